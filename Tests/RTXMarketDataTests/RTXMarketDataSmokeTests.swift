import Testing
@testable import RTXMarketData

@Test func theModuleLinks() { _ = RTXMarketData.self }
