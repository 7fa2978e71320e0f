import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Mustache
import NIOCore

/// Renders the server-side pages from the Mustache templates shipped as resources.
public struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let replica: String

    /// Loads the templates from the module's bundle; fails with the template's name when one does not parse.
    public static func load(replica: String) async throws -> PageRenderer {
        guard let directory = Bundle.module.url(forResource: "templates", withExtension: nil, subdirectory: "Resources") else {
            throw PageError.templatesMissing
        }
        let library = try await MustacheLibrary(directory: directory.path)
        guard library.getTemplate(named: "error") != nil else { throw PageError.templatesMissing }
        return PageRenderer(library: library, replica: replica)
    }

    /// An HTML response from `template` with `values`, plus the values every page uses.
    func render(_ template: String, _ values: [String: Any], account: Account?, status: HTTPResponse.Status = .ok) -> Response {
        var values = values
        values["replica"] = replica
        // Every form posts it back; see CSRFMiddleware.
        values["csrf"] = CSRFToken.current ?? ""
        if let account {
            values["account"] = [
                "displayName": account.displayName, "isEmployer": account.role == .employer,
                "isSeeker": account.role == .seeker,
            ] as [String: Any]
        }
        let html = library.render(values, withTemplate: template) ?? "template \(template) is missing"
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The page shown for an error, with the same words the API would use.
    func errorPage(_ problem: Problem) -> Response {
        var detail = problem.detail
        if problem.statusCode >= 500 { detail = "Something went wrong on our side. Please try again." }
        return render(
            "error",
            ["title": problem.title, "status": problem.statusCode, "reason": problem.title, "detail": detail],
            account: nil, status: problem.status)
    }
}

/// Why pages could not be set up.
public enum PageError: Error, CustomStringConvertible {
    case templatesMissing

    public var description: String {
        switch self {
        case .templatesMissing: "the page templates are missing from the JobBoard resource bundle"
        }
    }
}
