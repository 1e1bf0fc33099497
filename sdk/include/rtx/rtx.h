/*
 * rtx/rtx.h — the whole RTX plugin ABI v1. Include this one header.
 *
 *   abi.h        versions, export and layout-freezing macros
 *   types.h      fixed-point scalars, enums, status codes, the error buffer
 *   quote.h      a quote pushed by an LP adapter
 *   execution.h  an execution report pushed by an LP adapter
 *   host.h       the services the host gives every plugin
 *   entry.h      the exported entry function and the descriptor
 *   lp_adapter.h routing.h fee_model.h   one vtable and factory per plugin kind
 *   config.h     a header-only reader and key checker for flat `key: value` config blocks,
 *                with config error messages naming the manifest line (not ABI)
 */
#ifndef RTX_RTX_H
#define RTX_RTX_H

#include "abi.h"
#include "types.h"
#include "quote.h"
#include "execution.h"
#include "host.h"
#include "entry.h"
#include "lp_adapter.h"
#include "routing.h"
#include "fee_model.h"
#include "config.h"

#endif /* RTX_RTX_H */
