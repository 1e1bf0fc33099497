import Hummingbird
import HTTPTypes

/// The trader page (`PageFiles`): `GET /` answers `index.html`, `GET /app/{file}` an asset of
/// the page's `app/` folder by its exact name (one path segment: `..`, a `/` or `%2F` never
/// names a file). Only GET. These are not API routes: they are not in `APIRoute.all` nor in
/// `/openapi.json`'s paths; the document lists them as `x-rtx-page-routes`, and the router's
/// table it carries (`x-rtx-router-routes`) leaves out exactly the routes of `PageRoute.all`.
///
/// Thread: handlers on the server's event loops (they read immutable bytes).
enum PageRoute {
    /// Every route the page registers, as `"METHOD path"` (the router's own spelling).
    static let all: Set<String> = ["GET /", "GET /app/{file}"]
}

extension APIServer {
    func addPageRoutes(to router: Router<APIRequestContext>, page: PageFiles) {
        router.get("/") { _, _ -> Response in try Self.pageFile("index.html", page) }
        router.get("/app/{file}") { _, context -> Response in
            guard let name = context.parameters.get("file") else { throw APIError(.notFound, "not_found", "no such page file", field: "file") }
            return try Self.pageFile("app/" + name, page)
        }
    }

    /// The file's bytes with its content type; 404 for a name not in the page, 503 when the page was not found at start.
    static func pageFile(_ name: String, _ page: PageFiles) throws -> Response {
        guard !page.files.isEmpty else {
            throw APIError(.serviceUnavailable, "page_unavailable", "the trader page's files were not found (\(page.origin)); rebuild with `swift build`")
        }
        guard let file = page.files[name] else { throw APIError(.notFound, "not_found", "the trader page has no file \(name)", field: "file") }
        let headers: HTTPFields = [
            .contentType: file.contentType,
            .cacheControl: "no-cache",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("Content-Security-Policy")!: "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
        ]
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }
}
