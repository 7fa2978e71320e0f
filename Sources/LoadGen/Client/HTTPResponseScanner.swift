import HTTPWire
import NIOCore

/// Reads HTTP/1.1 responses from the raw bytes of one connection and keeps only what a load test reports:
/// the status and the backend header (and, on setup connections, the start of the body).
///
/// The framing and the heads are read by the balancer's own reader (`MessageReader`, `ResponseHead`), so a
/// load test judges responses by the same strict rules the proxy applies to its backends: a response the
/// balancer would refuse is malformed here too. Bodies are skipped, never copied, on the load path. This
/// replaces SwiftNIO's general HTTP codec on the load generator's hot path, where it cost more CPU per request
/// than the kernel's TCP work (see docs/benchmarks.md).
struct HTTPResponseScanner {
    /// The bytes are not an HTTP/1.1 response.
    struct Malformed: Error, CustomStringConvertible {
        let fault: WireError
        var description: String { "malformed response: \(fault)" }
    }

    private var reader = MessageReader(maxHeadBytes: Self.maxHeadBytes)
    private var summary = ResponseSummary(status: 0, backend: nil)
    /// Whether the message being read is an interim (1xx) response, which is not the answer.
    private var interim = false
    /// Backend header names, in order of preference.
    private let backendHeaders: [String]
    /// Whether the request now awaiting its response was a HEAD (whose response has no body).
    var awaitingHead = false
    /// Body bytes to keep per response (0 on the load path: bodies are skipped). Setup requests, such as the
    /// logins that give the job-board mix its session tokens, keep theirs.
    var bodyLimit = 0

    /// Largest response head accepted.
    static let maxHeadBytes = 64 * 1024

    init(backendHeaders: [String]) {
        self.backendHeaders = backendHeaders
        // Kept bodies are the data, without chunked framing.
        reader.dechunk = true
    }

    /// Consumes `incoming`, calling `complete` for every response that ends in it.
    mutating func feed(_ incoming: ByteBuffer, complete: (ResponseSummary) -> Void) throws(Malformed) {
        reader.feed(incoming)
        do {
            while let event = try reader.next() {
                switch event {
                case .head(let bytes):
                    let head = try ResponseHead(bytes)
                    interim = head.isInterim
                    summary = ResponseSummary(status: head.status, backend: backendHeaders.lazy.compactMap(head.value(ofField:)).first)
                    reader.startBody(head.bodyFraming(requestWasHEAD: awaitingHead))
                case .body(let bytes):
                    if bodyLimit > summary.body.count {
                        summary.body += bytes.readableBytesView.prefix(bodyLimit - summary.body.count)
                    }
                case .end:
                    if !interim { complete(summary) }
                }
            }
        } catch {
            throw Malformed(fault: error)
        }
    }

    /// The connection closed: the response whose body runs to the end of the connection is complete now.
    mutating func endOfStream() -> ResponseSummary? {
        reader.endOfStream() ? summary : nil
    }
}
