import Testing
@testable import RTXStore

@Test func storeModuleLinks() { _ = RTXStore.self }
