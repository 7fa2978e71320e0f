@testable import Balancer
import HTTPWire
import NIOCore
import Testing

/// An exchange as the state machine sees it, set by hand.
final class MachineTestExchange: ExchangeProgress {
    var requestComplete = false
    var responseStarted = false
    var keepAlive = true
    var hasUpstream = false
    var upstreamIsWritable = false
    var maxBodyBytes = 100
}

/// The client connection's rules, without a socket: each event in each state, and the pure decisions the handler
/// takes from them (retry, timeout blame, keep-alive).
@Suite struct ProxyConnectionStateMachineTests {
    typealias Machine = ProxyConnectionStateMachine<MachineTestExchange>

    private func proxying(_ exchange: MachineTestExchange = MachineTestExchange()) -> (Machine, MachineTestExchange) {
        var machine = Machine()
        guard case .begin = machine.read(.head(ByteBuffer(string: "GET / HTTP/1.1\r\n\r\n")), bodyBytesSoFar: 0) else {
            Issue.record("a head between exchanges begins one")
            return (machine, exchange)
        }
        machine.began(exchange)
        return (machine, exchange)
    }

    @Test func aHeadIsTakenOnlyBetweenExchanges() {
        var (machine, _) = proxying()
        // A second head while one exchange is in progress cannot come from a correct reader: 400 and close.
        guard case .malformed = machine.read(.head(ByteBuffer(string: "GET /2 HTTP/1.1\r\n\r\n")), bodyBytesSoFar: 0) else {
            Issue.record("a head during an exchange must be refused")
            return
        }
        // Body bytes or an end with no exchange are refused the same way.
        var idle = Machine()
        guard case .malformed = idle.read(.body(ByteBuffer(string: "x")), bodyBytesSoFar: 1), case .malformed = idle.read(.end, bodyBytesSoFar: 0)
        else {
            Issue.record("body or end between exchanges must be refused")
            return
        }
    }

    @Test func bodyBytesGoToTheExchangeThatReadTheHeadUntilTheLimit() {
        var (machine, exchange) = proxying()
        guard case .forward(let bytes, let to) = machine.read(.body(ByteBuffer(string: "abc")), bodyBytesSoFar: 3) else {
            Issue.record("body bytes are forwarded")
            return
        }
        #expect(String(buffer: bytes) == "abc")
        #expect(to === exchange)
        guard case .bodyTooLarge(let tooLarge) = machine.read(.body(ByteBuffer(string: "x")), bodyBytesSoFar: 101) else {
            Issue.record("a body past max_body_bytes is refused")
            return
        }
        #expect(tooLarge === exchange)
    }

    @Test func theEndMarksTheRequestCompleteAndRestartsTheTimeoutOnlyAfterABodySentUpstream() {
        var (machine, exchange) = proxying()
        guard case .requestEnded(_, let restart) = machine.read(.end, bodyBytesSoFar: 0) else {
            Issue.record("the end is taken")
            return
        }
        #expect(exchange.requestComplete)
        #expect(!restart, "a request without a body costs no clock read")

        let withUpstream = MachineTestExchange()
        withUpstream.hasUpstream = true
        var (second, _) = proxying(withUpstream)
        guard case .requestEnded(_, let restartAfterBody) = second.read(.end, bodyBytesSoFar: 10) else {
            Issue.record("the end is taken")
            return
        }
        #expect(restartAfterBody)
    }

    @Test func pipelinedRequestsWaitBehindACompleteOneAndNothingIsReadAfterAClose() {
        var (machine, exchange) = proxying()
        #expect(machine.readingStep() == .readNext, "the rest of this request is still needed")
        exchange.requestComplete = true
        #expect(machine.readingStep() == .wait)
        #expect(machine.holdsReads(readerHasBufferedBytes: true), "a pipelined request is buffered: read no more")
        #expect(!machine.holdsReads(readerHasBufferedBytes: false), "a partial head behind it is needed")
        _ = machine.answeredLocally(close: true)
        #expect(machine.readingStep() == .discardBuffered)
        #expect(Machine().readingStep() == .readNext)
    }

    @Test func readingPausesWhileTheBodyHasNowhereToGo() {
        let (machine, exchange) = proxying()
        #expect(machine.holdsReads(readerHasBufferedBytes: false), "no upstream yet")
        exchange.hasUpstream = true
        #expect(machine.holdsReads(readerHasBufferedBytes: false), "an upstream that is not writable")
        exchange.upstreamIsWritable = true
        #expect(!machine.holdsReads(readerHasBufferedBytes: false))
        #expect(!Machine().holdsReads(readerHasBufferedBytes: true), "between exchanges, read")
    }

    @Test func theTimerMeansSomethingDifferentInEachState() {
        var (machine, exchange) = proxying()
        guard case .exchangeTimedOut(let timedOut) = machine.timeoutFired() else {
            Issue.record("a proxied exchange times out")
            return
        }
        #expect(timedOut === exchange)
        _ = machine.handedToTunnel()
        guard case .nothing = machine.timeoutFired() else {
            Issue.record("a tunnel's idle timeout is its own handler's")
            return
        }
        guard case .nothing = Machine().timeoutFired() else {
            Issue.record("nothing to time out between exchanges")
            return
        }
        var closing = Machine()
        closing.closingWhenWritten()
        guard case .close = closing.timeoutFired() else {
            Issue.record("a client that does not take its last bytes is closed")
            return
        }
    }

    /// A tunnel's handler closes the tunnel on shutdown (`WebSocketTunnelTests`); here only HTTP connections.
    @Test func gracefulShutdownClosesIdleConnectionsButNotBusyOnes() {
        #expect(Machine().closesOnQuiesce(readerAtMessageBoundary: true))
        #expect(!Machine().closesOnQuiesce(readerAtMessageBoundary: false), "half a head has arrived: answer it first")
        let (machine, _) = proxying()
        #expect(!machine.closesOnQuiesce(readerAtMessageBoundary: true))
    }

    @Test func aLocalAnswerEndsTheExchangeAndALateCallbackForItChangesNothing() {
        var (machine, exchange) = proxying()
        #expect(machine.isCurrent(exchange))
        let replaced = machine.answeredLocally(close: false)
        #expect(replaced === exchange)
        #expect(!machine.isCurrent(exchange), "a connect finishing later finds its exchange gone")
        guard case .awaitingRequest = machine.state else {
            Issue.record("a kept connection awaits the next request")
            return
        }
        #expect(machine.answeredLocally(close: true) == nil, "nothing to let go between exchanges")
    }

    @Test func aResponseKeepsTheConnectionOnlyWhenBothSidesAndTheWholeRequestAllowIt() {
        let exchange = MachineTestExchange()
        exchange.requestComplete = true
        #expect(Machine.keepsConnection(after: exchange, shuttingDown: false))
        #expect(!Machine.keepsConnection(after: exchange, shuttingDown: true))
        exchange.keepAlive = false
        #expect(!Machine.keepsConnection(after: exchange, shuttingDown: false))
        exchange.keepAlive = true
        exchange.requestComplete = false
        #expect(!Machine.keepsConnection(after: exchange, shuttingDown: false), "the rest of the body cannot be told from the next request")

        var (machine, _) = proxying()
        machine.responseEnded(keepAlive: false)
        #expect(machine.readingStep() == .discardBuffered)
        var (kept, _) = proxying()
        kept.responseEnded(keepAlive: true)
        #expect(kept.readingStep() == .readNext)
    }

    @Test func anUpgradeHandsTheConnectionToTheTunnelAndNothingIsParsedAfter() {
        var (machine, exchange) = proxying()
        #expect(machine.handedToTunnel() === exchange)
        #expect(machine.proxying == nil)
        #expect(machine.readingStep() == .wait, "nothing is parsed in a tunnel")
        #expect(!machine.holdsReads(readerHasBufferedBytes: true), "the tunnel's handler decides its reads")
        #expect(machine.closed() == nil, "the tunnel owns the exchange: nothing to abandon here")
        var idle = Machine()
        #expect(idle.handedToTunnel() == nil, "no upgrade without an exchange")
    }

    @Test func aClientLeavingMidExchangeAbandonsIt() {
        var (machine, exchange) = proxying()
        #expect(machine.closed() === exchange)
        #expect(machine.closed() == nil, "closed once")
        #expect(machine.readingStep() == .discardBuffered)
    }

    @Test func aFailedAttemptIsRetriedOnlyWhenEveryConditionHolds() {
        func retry(
            started: Bool = false, replayable: Bool = true, connect: Bool = false, idempotent: Bool = true, attempts: Int = 1, max: Int = 2,
            untried: Bool = true
        ) -> Bool {
            RetryDecision.mayRetry(
                responseStarted: started, replayable: replayable, connectFailure: connect, idempotent: idempotent, attempts: attempts,
                maxAttempts: max, untriedBackendsRemain: untried)
        }
        #expect(retry())
        #expect(!retry(started: true), "part of the response went out")
        #expect(!retry(replayable: false), "the body was too large to keep")
        #expect(!retry(idempotent: false), "a POST the backend may have acted on")
        #expect(retry(connect: true, idempotent: false), "a POST that never reached a backend")
        #expect(retry(attempts: 2, max: 2))
        #expect(!retry(attempts: 3, max: 2), "attempts used up")
        #expect(!retry(untried: false), "never the same backend twice")
    }

    @Test func aTimeoutBlamesWhoeverStoppedMoving() {
        func verdict(started: Bool, complete: Bool = true, upstreamWritable: Bool = true, clientWritable: Bool = true) -> ExchangeTimeoutVerdict {
            .of(responseStarted: started, requestComplete: complete, upstreamIsWritable: upstreamWritable, clientIsWritable: clientWritable)
        }
        #expect(verdict(started: false) == .noResponse)
        #expect(verdict(started: false, complete: false) == .clientStoppedSending)
        #expect(verdict(started: false, complete: false, upstreamWritable: false) == .noResponse, "the backend stopped taking the body")
        #expect(verdict(started: true) == .backendStalled)
        #expect(verdict(started: true, clientWritable: false) == .clientStoppedReading)
    }

    @Test func aResponseHeadSaysWhenTheClientConnectionMustClose() {
        func keep(complete: Bool = true, shuttingDown: Bool = false, framing: BodyFraming = .length(2), http11: Bool = true) -> Bool {
            ResponseConnection.mayKeepAlive(requestComplete: complete, shuttingDown: shuttingDown, framing: framing, clientIsHTTP11: http11)
        }
        #expect(keep())
        #expect(keep(framing: .chunked))
        #expect(!keep(framing: .chunked, http11: false), "dechunked for HTTP/1.0: only the close marks the end")
        #expect(!keep(framing: .untilClose))
        #expect(!keep(complete: false))
        #expect(!keep(shuttingDown: true))
    }
}
