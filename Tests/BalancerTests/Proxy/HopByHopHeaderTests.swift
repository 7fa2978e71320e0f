@testable import Balancer
import NIOHTTP1
import Testing

@Suite("Hop-by-hop header removal")
struct HopByHopHeaderTests {
    @Test func removesStandardAndConnectionNamedHeadersCaseInsensitively() {
        var headers = HTTPHeaders([
            ("Host", "x"), ("CONNECTION", "Keep-Alive, X-Secret , x-other"), ("keep-alive", "timeout=5"),
            ("X-SECRET", "1"), ("X-Other", "2"), ("Transfer-Encoding", "chunked"), ("Upgrade", "h2c"),
            ("TE", "trailers"), ("X-Kept", "3"), ("Proxy-Authorization", "Basic abc"),
        ])
        headers.removeHopByHop()
        #expect(headers.map(\.name) == ["Host", "X-Kept"])
    }

    @Test func leavesHeadersWithoutHopByHopOnesUntouched() {
        var headers = HTTPHeaders([("Host", "x"), ("Accept", "*/*"), ("X-Connection-Id", "7")])
        headers.removeHopByHop()
        #expect(headers.map(\.name) == ["Host", "Accept", "X-Connection-Id"])
    }

    @Test func connectionTokensThatNameNoHeaderRemoveNothingElse() {
        var headers = HTTPHeaders([
            ("Connection", "close, ,keep-alive"), ("Transfer-Encoding", "gzip"), ("Closed", "1"), ("Keep-Alive-Not", "2"),
        ])
        headers.removeHopByHop()
        #expect(headers.map(\.name) == ["Closed", "Keep-Alive-Not"])
    }
}
