import Foundation

/// The trader page's files (`Sources/RTXServer/Page`, copied by SwiftPM into the resource
/// bundle `rtx_RTXServer.resources` next to the `rtx` binary, debug and release alike), read
/// once into memory and served by name only: a request names a file of this fixed set, never
/// a path on disk, so nothing outside the folder can be reached.
///
/// Thread: any (immutable after `load`). Lifetime: one per server, loaded at its start.
struct PageFiles: Sendable {
    struct File: Sendable {
        var bytes: [UInt8]
        var contentType: String
    }

    /// The page's files by their URL name: `index.html` (served at `/`) and the assets under `/app/`.
    let files: [String: File]
    /// Where the files were read from, or why they could not be (for the 503 and the log).
    let origin: String

    /// The folder's files, their content types by extension; nothing else is served.
    static let contentTypes = ["html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8",
                               "js": "text/javascript; charset=utf-8", "svg": "image/svg+xml"]
    /// Bounds: a page is a handful of small files.
    static let maxFiles = 32
    static let maxFileBytes = 1 << 20

    /// Reads the page from the first resource bundle found (next to the executable, then in
    /// the build folder SwiftPM names); an empty set, with the reason, when there is none.
    static func load() -> PageFiles {
        let candidates = bundleCandidates().map { $0.appendingPathComponent("Page") }
        for folder in candidates {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            return read(folder)
        }
        return PageFiles(files: [:], origin: "no page folder in \(candidates.map(\.path).joined(separator: " or "))")
    }

    /// `rtx_RTXServer.resources` beside the running executable (symlinks resolved) and beside `Bundle.main`.
    static func bundleCandidates() -> [URL] {
        let name = "rtx_RTXServer.resources"
        var dirs: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            dirs.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        dirs.append(Bundle.main.bundleURL)
        var seen = Set<String>()
        return dirs.map { $0.appendingPathComponent(name).standardizedFileURL }.filter { seen.insert($0.path).inserted }
    }

    /// `index.html` at the folder's top and every file of `app/` (not recursive), by extension.
    static func read(_ folder: URL) -> PageFiles {
        var files: [String: File] = [:]
        var entries: [(name: String, url: URL)] = [("index.html", folder.appendingPathComponent("index.html"))]
        let app = folder.appendingPathComponent("app")
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: app.path)) ?? []).sorted() {
            entries.append(("app/" + name, app.appendingPathComponent(name)))
        }
        for (name, url) in entries.prefix(maxFiles) {
            guard let type = contentTypes[url.pathExtension.lowercased()],
                  let data = try? Data(contentsOf: url), data.count <= maxFileBytes else { continue }
            files[name] = File(bytes: Array(data), contentType: type)
        }
        return PageFiles(files: files, origin: folder.path)
    }
}
