import Balancer
import NIOCore
import NIOHTTP1

/// One connection of the closed model, driven entirely on its event loop: send a request, wait for the whole
/// answer, record it, send the next. No hop to the Swift concurrency pool per request, which is what lets one
/// core keep up with wrk.
final class ClosedLoopHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

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
        case waiting(kind: String, sent: ContinuousClock.Instant, timer: Scheduled<Void>, summary: ResponseSummary?)
        case done
    }

    private let plan: Plan
    private var random: SplitMix64
    private var state = State.idle

    init(plan: Plan, seed: UInt64) {
        self.plan = plan
        random = SplitMix64(seed: seed)
    }

    func channelActive(context: ChannelHandlerContext) {
        sendNext(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .waiting(let kind, let sent, let timer, let summary) = state else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            state = .waiting(kind: kind, sent: sent, timer: timer, summary: ResponseSummary(head, backendHeaders: plan.backendHeaders))
        case .body:
            break
        case .end:
            timer.cancel()
            state = .idle
            let outcome: Result<ResponseSummary, RequestFailure> = summary.map { .success($0) } ?? .failure(.reset)
            plan.recorder.record(kind: kind, intended: sent, sent: sent, finished: .now, outcome: outcome)
            sendNext(context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.reset)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.reset)
        context.close(promise: nil)
    }

    /// Sends the next request, or closes the connection when the test is over.
    private func sendNext(context: ChannelHandlerContext) {
        guard ContinuousClock.now < plan.deadline, plan.counter.take() else {
            state = .done
            context.close(promise: nil)
            return
        }
        let request = plan.mix.next(&random)
        let timer = context.eventLoop.assumeIsolated().scheduleTask(in: plan.timeout) { [weak self] () -> Void in
            guard let self else { return }
            self.finish(.timeout)
            context.close(promise: nil)
        }
        state = .waiting(kind: request.kind, sent: .now, timer: timer, summary: nil)
        request.write(to: context, host: plan.host)
    }

    /// Records the request in flight as failed, if there is one.
    private func finish(_ failure: RequestFailure) {
        guard case .waiting(let kind, let sent, let timer, _) = state else { return }
        timer.cancel()
        state = .done
        plan.recorder.record(kind: kind, intended: sent, sent: sent, finished: .now, outcome: .failure(failure))
    }
}
