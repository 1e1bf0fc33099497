import RTXCore

// The core and the plugin host both name a GroupIndex, a Book and an LPRoute; inside the
// engine these names mean the core's.
typealias GroupIndex = RTXCore.GroupIndex
typealias Book = RTXCore.Book
typealias LPRoute = RTXCore.LPRoute
