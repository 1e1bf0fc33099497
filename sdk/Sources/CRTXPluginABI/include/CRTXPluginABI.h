/* The RTX plugin ABI v1, exactly the SDK's public headers, as a module for Swift plugins. */
#include "../../../include/rtx/rtx.h"
