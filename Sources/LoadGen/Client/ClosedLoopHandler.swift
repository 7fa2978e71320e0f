import NIOCore
import Picking

/// One connection of the closed model, driven entirely on its event loop: send a request, wait for the whole
/// answer, record it, send the next. No hop to the Swift concurrency pool per request, requests encoded once
/// when the mix is fixed, responses read by ``HTTPResponseScanner``, and at most one timer per timeout period
/// rather than one per request: what lets it keep up with wrk.
final class ClosedLoopHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What a closed-loop connection needs to know, shared by all of them.
    struct Plan: Sendable {
        var mix: RequestMix
        var host: String
        var backendHeaders: [String]
        var timeout: TimeAmount
        var deadline: ContinuousClock.Instant
        var counter: RequestCounter
        var recorder: Recorder
    }

    private enum State {
        case idle
        case waiting(kind: String, sent: ContinuousClock.Instant)
        case done
    }

    private let plan: Plan
    private var random: SplitMix64
    private var state = State.idle
    private var scanner: HTTPResponseScanner
    /// The fixed request's bytes, encoded once.
    private var fixedRequest: ByteBuffer?
    /// Fires when the request in flight may have timed out; re-armed for the next request only when it fires.
    private var timer: Scheduled<Void>?

    init(plan: Plan, seed: UInt64) {
        self.plan = plan
        random = SplitMix64(seed: seed)
        scanner = HTTPResponseScanner(backendHeaders: plan.backendHeaders)
    }

    func channelActive(context: ChannelHandlerContext) {
        sendNext(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        do {
            try scanner.feed(unwrapInboundIn(data)) { response in
                guard case .waiting(let kind, let sent) = state else { return }
                state = .idle
                plan.recorder.record(kind: kind, intended: sent, sent: sent, finished: .now, outcome: .success(response))
            }
        } catch {
            finish(plan.recorder.failureKind(of: error))
            context.close(promise: nil)
            return
        }
        if case .idle = state { sendNext(context: context) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let response = scanner.endOfStream(), case .waiting(let kind, let sent) = state {
            state = .idle
            plan.recorder.record(kind: kind, intended: sent, sent: sent, finished: .now, outcome: .success(response))
        }
        finish(.reset)
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // The recorder tells a failed TLS handshake (counted as a connect failure, with its reason) from a reset.
        finish(plan.recorder.failureKind(of: error))
        context.close(promise: nil)
    }

    /// Sends the next request, or closes the connection when the test is over.
    private func sendNext(context: ChannelHandlerContext) {
        guard ContinuousClock.now < plan.deadline, plan.counter.take() else {
            state = .done
            context.close(promise: nil)
            return
        }
        let kind: String
        let bytes: ByteBuffer
        if let fixed = plan.mix.fixed {
            if fixedRequest == nil { fixedRequest = fixed.encoded(host: plan.host, allocator: context.channel.allocator) }
            (kind, bytes) = (fixed.kind, fixedRequest!)
            scanner.awaitingHead = fixed.method == "HEAD"
        } else {
            let request = plan.mix.next(&random)
            (kind, bytes) = (request.kind, request.encoded(host: plan.host, allocator: context.channel.allocator))
            scanner.awaitingHead = request.method == "HEAD"
        }
        state = .waiting(kind: kind, sent: .now)
        if timer == nil { arm(context: context, in: plan.timeout) }
        context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
    }

    /// Checks for a timeout after `delay`: fails the request in flight if it is older than the timeout, or
    /// waits again until the current request's own deadline.
    private func arm(context: ChannelHandlerContext, in delay: TimeAmount) {
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [weak self] () -> Void in
            guard let self else { return }
            self.timer = nil
            guard case .waiting(_, let sent) = self.state else { return }
            let age = TimeAmount.nanoseconds(Int64((ContinuousClock.now - sent).seconds * 1e9))
            if age >= self.plan.timeout {
                self.finish(.timeout)
                context.close(promise: nil)
            } else {
                self.arm(context: context, in: self.plan.timeout - age)
            }
        }
    }

    /// Records the request in flight as failed, if there is one.
    private func finish(_ failure: RequestFailure) {
        guard case .waiting(let kind, let sent) = state else { return }
        state = .done
        plan.recorder.record(kind: kind, intended: sent, sent: sent, finished: .now, outcome: .failure(failure))
    }
}
