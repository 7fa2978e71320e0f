import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An error answered as `application/problem+json` (RFC 9457), saying what was wrong with the request.
struct WatchProblem: Error, HTTPResponseError, Codable {
    var title: String
    var statusCode: Int
    var detail: String

    enum CodingKeys: String, CodingKey {
        case title, detail
        case statusCode = "status"
    }

    init(_ status: HTTPResponse.Status, _ detail: String) {
        self.title = status.reasonPhrase
        self.statusCode = status.code
        self.detail = detail
    }

    var status: HTTPResponse.Status { HTTPResponse.Status(code: statusCode) }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = (try? WatchJSON.encoder().encode(self)) ?? Data()
        return Response(
            status: status, headers: [.contentType: "application/problem+json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
