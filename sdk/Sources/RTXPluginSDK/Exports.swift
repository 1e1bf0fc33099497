// `import RTXPluginSDK` also imports the C ABI (module CRTXPluginABI: the rtx_* structs and
// the RTX_* constants, which Swift sees as Int32 for integers and String for strings).
@_exported import CRTXPluginABI
