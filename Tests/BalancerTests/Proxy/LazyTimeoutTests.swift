@testable import Balancer
import NIOCore
import NIOEmbedded
import Testing

/// The proxy's movable timeout on an embedded event loop, with virtual time.
@Suite("Lazy timeouts fire at their latest deadline, once")
struct LazyTimeoutTests {
    final class Counter {
        var fired = 0
    }

    @Test func movingTheDeadlineLaterFiresAtTheLaterDeadline() {
        let loop = EmbeddedEventLoop()
        let counter = Counter()
        let timeout = LazyTimeout(on: loop) { counter.fired += 1 }
        timeout.arm(in: .seconds(5))
        loop.advanceTime(by: .seconds(3))
        timeout.arm(in: .seconds(5))  // now due at 8 s
        loop.advanceTime(by: .seconds(4))
        #expect(counter.fired == 0)
        loop.advanceTime(by: .seconds(1))
        #expect(counter.fired == 1)
        loop.advanceTime(by: .seconds(60))
        #expect(counter.fired == 1)
    }

    @Test func anEarlierDeadlineIsNotLate() {
        let loop = EmbeddedEventLoop()
        let counter = Counter()
        let timeout = LazyTimeout(on: loop) { counter.fired += 1 }
        timeout.arm(in: .seconds(60))
        timeout.arm(in: .seconds(2))
        loop.advanceTime(by: .milliseconds(1999))
        #expect(counter.fired == 0)
        loop.advanceTime(by: .milliseconds(1))
        #expect(counter.fired == 1)
    }

    @Test func disarmedOrCancelledItNeverFires() {
        let loop = EmbeddedEventLoop()
        let counter = Counter()
        let timeout = LazyTimeout(on: loop) { counter.fired += 1 }
        timeout.arm(in: .seconds(1))
        timeout.disarm()
        loop.advanceTime(by: .seconds(10))
        #expect(counter.fired == 0)
        // Re-armed after the stale task ran: a new task serves it.
        timeout.arm(in: .seconds(1))
        loop.advanceTime(by: .seconds(1))
        #expect(counter.fired == 1)
        timeout.arm(in: .seconds(1))
        timeout.cancel()
        loop.advanceTime(by: .seconds(10))
        #expect(counter.fired == 1)
    }
}
