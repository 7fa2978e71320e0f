import HTTPTypes
import Hummingbird
import HummingbirdCore

/// Headers that tell browsers to keep the pages to themselves: no content-type sniffing on any response, and on
/// pages a Content-Security-Policy fitting pages without JavaScript (no script at all, styles and images from this
/// site, not framed by anyone, forms posting only here) and a referrer policy that keeps search words off other
/// sites. Behind a trusted balancer that says the request came over HTTPS, cookies are marked `Secure`.
struct SecurityHeadersMiddleware<Context: JobBoardRequestContext>: RouterMiddleware {
    /// Whether `X-Forwarded-Proto` comes from a trusted balancer (`--trust-forwarded-for`).
    let trustForwardedProto: Bool

    static var contentSecurityPolicy: String {
        "default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    }

    static var frameOptions: HTTPField.Name { HTTPField.Name("X-Frame-Options")! }
    static var referrerPolicy: HTTPField.Name { HTTPField.Name("Referrer-Policy")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        if response.headers[.contentType]?.hasPrefix("text/html") == true {
            response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
            response.headers[Self.frameOptions] = "DENY"
            response.headers[Self.referrerPolicy] = "same-origin"
        }
        if trustForwardedProto, request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https" {
            let cookies = response.headers[values: .setCookie]
            if !cookies.isEmpty {
                response.headers[values: .setCookie] = cookies.map { $0.contains("; Secure") ? $0 : $0 + "; Secure" }
            }
        }
        return response
    }
}
