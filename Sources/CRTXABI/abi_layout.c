/*
 * Compiling this file in the host build re-checks every frozen ABI layout (the headers'
 * RTX_FREEZE_* assertions) with the host's own compiler and flags.
 */
#include "CRTXABI.h"
