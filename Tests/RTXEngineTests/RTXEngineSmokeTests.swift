import Testing
@testable import RTXEngine

@Test func engineModuleLinks() { _ = RTXEngine.self }
