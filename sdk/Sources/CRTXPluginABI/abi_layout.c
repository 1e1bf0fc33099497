/*
 * Compiling this file in every Swift plugin build re-checks the frozen ABI layouts (the
 * headers' RTX_FREEZE_* assertions) with the plugin's own C compiler. It defines no symbol.
 */
#include "CRTXPluginABI.h"

RTX_STATIC_ASSERT(RTX_ABI_VERSION_MAJOR == 1, "RTXPluginSDK implements RTX ABI major 1");
