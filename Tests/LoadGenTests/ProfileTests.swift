import LoadGen
import Testing

@Suite("Rate profiles")
struct ProfileTests {
    @Test func aSpikeMultipliesTheRateForItsWindowOnly() {
        let times = RateProfile.spike(base: 100, factor: 5, start: 2, length: 1).sendTimes(duration: 4, limit: nil)
        let perSecond = (0..<4).map { second in times.filter { Int($0) == second }.count }
        #expect(perSecond == [100, 100, 500, 100])
    }

    @Test func rampsAndStepsFollowTheirShape() {
        let ramp = RateProfile.ramp(from: 0, to: 200)
        #expect(ramp.rate(at: 5, duration: 10) == 100)
        let rampTimes = ramp.sendTimes(duration: 10, limit: nil)
        #expect(rampTimes.filter { $0 < 5 }.count < rampTimes.filter { $0 >= 5 }.count / 2)
        let steps = RateProfile.steps(rates: [10, 20, 40], step: 2)
        #expect(steps.sendTimes(duration: 6, limit: nil).count == 20 + 40 + 80)
        #expect(RateProfile.constant(rate: 1000).sendTimes(duration: 10, limit: 25).count == 25)
    }

    @Test func aScheduleIsProducedLazilyWithoutDrift() {
        // 5,000/s for a day would be 432 million times: the schedule yields them one by one.
        var schedule = SendSchedule(profile: .constant(rate: 5000), duration: 86_400, limit: nil)
        var last = 0.0
        for _ in 0..<5000 { last = schedule.next()! }
        #expect(abs(last - 0.9998) < 1e-9)
        #expect(RateProfile.constant(rate: 3).sendTimes(duration: 1, limit: nil).count == 3)
    }
}
