import RTXDigest
import Foundation
import Testing
@testable import RTXPluginHost

/// Loading is guarded: permissions and owners of the file and its folders, the sha256 pin,
/// the private content-addressed copy, and the ABI handshake. Each refusal names the file,
/// the field and the fix.
@Suite struct LoadGuardTests {
    func refusal(_ body: () throws -> Void) -> PluginLoadError? {
        do { try body() } catch let error as PluginLoadError { return error } catch { Issue.record("unexpected \(error)") }
        return nil
    }

    @Test func loadsFromAPrivateContentAddressedCopy() throws {
        let scratch = try Scratch()
        let path = try scratch.example("b_book_routing")
        let loader = scratch.loader()
        let library = try loader.load(path: path, expectedSHA256: nil, pluginID: "b")
        let digest = SHA256.hexDigest(of: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(library.verified.sha256 == digest)
        #expect(library.verified.cachePath.hasSuffix("/plugin-cache/\(digest).so"))
        var info = stat()
        #expect(stat(library.verified.cachePath, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o500)
        #expect(library.descriptor.pluginID == "org.rtx.examples.b-book-routing")
        // The same bytes again (another manifest entry) share the loaded library.
        #expect(try loader.load(path: path, expectedSHA256: digest, pluginID: "b2") === library)
    }

    @Test func loadsABareFileNameRelativeToTheWorkingFolder() throws {
        let scratch = try Scratch()
        try scratch.example("b_book_routing")
        let previous = FileManager.default.currentDirectoryPath
        #expect(FileManager.default.changeCurrentDirectoryPath(scratch.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        let manifest = try ManifestDecoder.decode(text: "version: 1\nplugins:\n  - {id: b, kind: routing-policy, path: libb_book_routing.so}\n",
                                                  path: "plugins.yaml")
        #expect(manifest.plugins[0].resolvedPath == "libb_book_routing.so")
        let library = try scratch.loader().load(path: manifest.plugins[0].resolvedPath, expectedSHA256: nil, pluginID: "b")
        #expect(library.verified.realPath == scratch.path + "/libb_book_routing.so")
    }

    @Test func refusesAGroupWritableFile() throws {
        let scratch = try Scratch()
        let path = try scratch.example("b_book_routing")
        chmod(path, 0o775)
        let error = try #require(refusal { _ = try scratch.loader().load(path: path, expectedSHA256: nil, pluginID: "b") })
        #expect(error.field == "path")
        #expect(error.path == path)
        #expect(error.message.contains("is writable by group (mode 775)"))
        #expect(error.fix == "chmod go-w \(path)")
        #expect(error.description.contains("plugin 'b' (\(path)): refused [path]"))
    }

    @Test func refusesAnOtherWritableParentFolder() throws {
        let scratch = try Scratch()
        let folder = scratch.path + "/shared"
        mkdir(folder, 0o755)
        chmod(folder, 0o777)
        let path = try scratch.compile([Repo.examples + "/b_book_routing.c"], to: "shared/lib.so")
        let error = try #require(refusal { _ = try scratch.loader().load(path: path, expectedSHA256: nil, pluginID: "b") })
        #expect(error.message.contains("its folder \(folder) is writable by group and others (mode 777)"))
        #expect(error.fix == "chmod go-w \(folder)")
    }

    @Test func refusesAForeignOwnedFile() throws {
        let scratch = try Scratch()
        let path = try scratch.example("b_book_routing")
        if geteuid() == 0 {
            #expect(chown(path, 65534, 65534) == 0)
            let error = try #require(refusal { _ = try scratch.loader().load(path: path, expectedSHA256: nil, pluginID: "b") })
            #expect(error.message.contains("is owned by uid 65534, not by uid 0"))
            #expect(error.fix.hasPrefix("chown"))
        } else {
            // Not root: the file is ours, so narrow the accepted owners to root alone instead.
            let guardOnlyRoot = LibraryGuard(cacheDirectory: scratch.stateDirectory + "/cache", allowedOwners: [0])
            #expect(throws: PluginLoadError.self) { try guardOnlyRoot.verify(path: path, expectedSHA256: nil, pluginID: "b") }
        }
    }

    @Test func refusesAWrongSHA256Pin() throws {
        let scratch = try Scratch()
        let path = try scratch.example("b_book_routing")
        let wrong = String(repeating: "ab", count: 32)
        let error = try #require(refusal { _ = try scratch.loader().load(path: path, expectedSHA256: wrong, pluginID: "b") })
        #expect(error.field == "sha256")
        #expect(error.message.contains("but the manifest pins \(wrong)"))
        #expect(error.fix.contains("sha256: "))
        // Nothing was copied into the cache for refused bytes.
        let cached = (try? FileManager.default.contentsOfDirectory(atPath: scratch.stateDirectory + "/plugin-cache")) ?? []
        #expect(cached.isEmpty)
    }

    @Test func refusesASymbolicLinkAsTheFile() throws {
        let scratch = try Scratch()
        let path = try scratch.example("b_book_routing")
        let link = scratch.path + "/link.so"
        #expect(symlink(path, link) == 0)
        let error = try #require(refusal { _ = try scratch.loader().load(path: link, expectedSHA256: nil, pluginID: "b") })
        #expect(error.message.contains("symbolic link"))
    }

    @Test func refusesALibraryThatIsNotAnRTXPlugin() throws {
        let scratch = try Scratch()
        let path = try scratch.fixture("not_a_plugin")
        let error = try #require(refusal { _ = try scratch.loader().load(path: path, expectedSHA256: nil, pluginID: "x") })
        #expect(error.message.contains("does not export rtx_plugin_entry_v1"))
        let junk = try scratch.write("this is text, not ELF", to: "junk.so")
        let junkError = try #require(refusal { _ = try scratch.loader().load(path: junk, expectedSHA256: nil, pluginID: "x") })
        #expect(junkError.message.contains("cannot be loaded"))
    }

    @Test func refusesABIMajor2NamingBothVersions() throws {
        let scratch = try Scratch()
        let declared = try scratch.fixture("abi_version", as: "libmajor2.so", defines: ["FIXTURE_MAJOR=2", "FIXTURE_MINOR=0"])
        let error = try #require(refusal { _ = try scratch.loader().load(path: declared, expectedSHA256: nil, pluginID: "m") })
        #expect(error.field == "abi_major")
        #expect(error.message == "built for RTX ABI 2.0; this host speaks RTX ABI 1.1 and majors must match")
        let exported = try scratch.fixture("abi_version", as: "libentry2.so",
                                           defines: ["FIXTURE_MAJOR=2", "FIXTURE_MINOR=0", "FIXTURE_ENTRY=rtx_plugin_entry_v2"])
        let error2 = try #require(refusal { _ = try scratch.loader().load(path: exported, expectedSHA256: nil, pluginID: "m") })
        #expect(error2.message == "exports rtx_plugin_entry_v2 (RTX ABI 2.x); this host speaks RTX ABI 1.1 and majors must match")
    }

    @Test func refusesATooNewMinorNamingBothVersions() throws {
        let scratch = try Scratch()
        let path = try scratch.fixture("abi_version", as: "libminor9.so", defines: ["FIXTURE_MAJOR=1", "FIXTURE_MINOR=9"])
        let error = try #require(refusal { _ = try scratch.loader().load(path: path, expectedSHA256: nil, pluginID: "m") })
        #expect(error.field == "abi_minor")
        #expect(error.message == "needs RTX ABI 1.9; this host provides RTX ABI 1.1")
        // The current minor and older ones load.
        for minor in [0, 1] {
            let ok = try scratch.fixture("abi_version", as: "libminor\(minor).so", defines: ["FIXTURE_MAJOR=1", "FIXTURE_MINOR=\(minor)"])
            #expect(try scratch.loader().load(path: ok, expectedSHA256: nil, pluginID: "m").descriptor.abiMinor == UInt32(minor))
        }
    }

    @Test func refusesASwiftPluginFromAnotherToolchain() throws {
        let scratch = try Scratch()
        let other = try scratch.fixture("abi_version", as: "libswift59.so",
                                        defines: ["FIXTURE_MAJOR=1", "FIXTURE_MINOR=1", "FIXTURE_TOOLCHAIN=\"swift-5.9 x86_64-unknown-linux-gnu\""])
        let error = try #require(refusal { _ = try scratch.loader().load(path: other, expectedSHA256: nil, pluginID: "s") })
        #expect(error.field == "toolchain")
        #expect(error.message.contains("was built with swift-5.9 x86_64-unknown-linux-gnu but this host runs \(SwiftToolchain.current)"))
        let same = try scratch.fixture("abi_version", as: "libswiftsame.so",
                                       defines: ["FIXTURE_MAJOR=1", "FIXTURE_MINOR=1", "FIXTURE_TOOLCHAIN=\"\(SwiftToolchain.current)\""])
        #expect(try scratch.loader().load(path: same, expectedSHA256: nil, pluginID: "s").descriptor.toolchain == SwiftToolchain.current)
    }

    @Test func loadsAPluginBuiltAgainstABI10WithSmallerStructs() throws {
        let scratch = try Scratch()
        try scratch.fixture("legacy_v1_0_adapter", as: "liblegacy.so")
        let manifest = try scratch.manifest("""
        version: 1
        plugins:
          - id: legacy
            kind: lp-adapter
            path: liblegacy.so
        bindings:
          symbols:
            - symbol: EURUSD
              lps: [{lp: legacy}]
        """)
        let host = scratch.host(manifest)
        try host.loadAll()
        defer { host.shutdown() }
        let adapter = try #require(host.lpAdapter(id: "legacy"))
        let d = adapter.library.descriptor
        #expect(d.abiVersion == "1.0")
        #expect(d.structSize == 72)
        #expect(d.description == nil && d.license == nil)   // fields of 1.1 read as absent, not as the poison behind them
        #expect(adapter.stats() == nil)                      // no get_stats in a 1.0 table
        try adapter.start()
        #expect(adapter.connectionState == .connected)
        var quotes: [IngestedQuote] = []
        adapter.drainQuotes { quotes.append($0) }
        #expect(quotes.count == 1)
        #expect(quotes.first?.quote.symbol_id == host.symbols.id(of: "EURUSD"))
        #expect(quotes.first?.quote.bid_ticks == 108_500)
        adapter.stop()
    }
}

#if canImport(Glibc)
import Glibc
#endif
