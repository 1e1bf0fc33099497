/* The host's view of the plugin ABI: exactly the SDK's public headers, nothing added. */
#include "../../../sdk/include/rtx/rtx.h"
