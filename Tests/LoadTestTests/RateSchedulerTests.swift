import LoadTest
import Synchronization
import Testing

/// The scheduler driven by a manual clock: no sleeping, no timing assertions.
@Suite struct RateSchedulerTests {
    final class Log: Sendable {
        let launches = Mutex<[RateScheduler.Launch]>([])
        let finished = Mutex<Int?>(nil)
    }

    /// - Parameter blocks: whether a launch is blocked by the limit (not made).
    func make(
        _ pacer: Pacer, clock: ManualRunClock, maxBurst: Int = 256, blocks: @escaping @Sendable (Int) -> Bool = { _ in false }
    ) -> (RateScheduler, Log) {
        let log = Log()
        let scheduler = RateScheduler(
            pacer: pacer, clock: clock, maxBurst: maxBurst,
            onLaunch: { launch in
                log.launches.withLock { $0.append(launch) }
                return !blocks(launch.index)
            },
            onFinish: { count in log.finished.withLock { $0 = count } })
        return (scheduler, log)
    }

    @Test func firesEachCallAtItsScheduledTime() {
        let clock = ManualRunClock(now: 1_000)
        let (scheduler, log) = make(Pacer(curve: .constant(20), endTime: 1), clock: clock)
        scheduler.start()
        clock.advance(by: 2_000_000_000)
        let launches = log.launches.withLock { $0 }
        #expect(launches.count == 20, "calls at 0.05 … 1 s; the 20th is due at 1 s, the end, and made")
        for launch in launches {
            #expect(launch.scheduledAt == 1_000 + Int64(launch.index + 1) * 50_000_000)
            #expect(launch.firedAt == launch.scheduledAt, "a manual clock is never late")
        }
        #expect(log.finished.withLock { $0 } == 20)
        #expect(!clock.hasArmedTimer)
    }

    @Test func aLateTimerLaunchesTheBacklogInBoundedBursts() {
        let clock = ManualRunClock()
        let (scheduler, log) = make(Pacer(curve: .constant(1000), maxCalls: 1000), clock: clock, maxBurst: 100)
        scheduler.start()
        clock.fireDueTimers()  // the first tick, at t = 0: the first call is due at 1 ms
        clock.advance(by: 500_000_000, firingTimers: false)  // the timer thread stalls 0.5 s
        let before = clock.fired
        clock.fireDueTimers()
        let launches = log.launches.withLock { $0 }
        #expect(launches.count == 500, "exactly the calls due by 0.5 s, no more")
        #expect(launches.map(\.index) == Array(0..<500))
        #expect(launches.allSatisfy { $0.firedAt == 500_000_000 })
        #expect(launches[0].scheduledAt == 1_000_000 && launches[499].scheduledAt == 500_000_000)
        #expect(clock.fired - before >= 5, "500 due in bursts of at most 100")
        clock.advance(by: 1_000_000_000)
        #expect(log.finished.withLock { $0 } == 1000)
    }

    /// A timer that stalls across the end of `run_time` must still launch the calls
    /// that fell due before it: offered + blocked = due, however late the timer was.
    @Test func aTimerStalledPastTheEndStillLaunchesWhatWasDueBeforeIt() {
        let clock = ManualRunClock()
        let (scheduler, log) = make(Pacer(curve: .constant(20), endTime: 2), clock: clock)
        scheduler.start()
        clock.fireDueTimers()
        clock.advance(by: 1_000_000_000)  // on time up to 1 s
        clock.advance(by: 2_000_000_000, firingTimers: false)  // the timer thread stalls to t = 3 s
        clock.fireDueTimers()
        let launches = log.launches.withLock { $0 }
        #expect(launches.count == 40, "every call due by 2 s, the one due at exactly 2 s included")
        #expect(launches.map(\.index) == Array(0..<40))
        let late = launches.filter { $0.scheduledAt > 1_000_000_000 }
        #expect(late.count == 20 && late.allSatisfy { $0.firedAt == 3_000_000_000 }, "1.05 … 2 s, late, and their lag says so")
        #expect(log.finished.withLock { $0 } == 40)
        #expect(!clock.hasArmedTimer)
    }

    @Test func stopEndsTheRunOnceAndCancelsTheTimer() {
        let clock = ManualRunClock()
        let (scheduler, log) = make(Pacer(curve: .constant(10)), clock: clock)
        scheduler.start()
        clock.advance(by: 1_000_000_000)
        scheduler.stop()
        scheduler.stop()
        clock.advance(by: 1_000_000_000)
        #expect(log.launches.withLock { $0.count } == 10)
        #expect(log.finished.withLock { $0 } == 10)
    }

    @Test func rampOffersExactlyTheIntegral() {
        let clock = ManualRunClock()
        let pacer = Pacer(curve: .linear(from: 0, to: 100, over: 10), endTime: 12)
        let (scheduler, log) = make(pacer, clock: clock)
        scheduler.start()
        clock.advance(by: 20_000_000_000)
        // 500 during the ramp, then 100/s for 2 s; the call due exactly at 12 s included.
        #expect(log.launches.withLock { $0.count } == 700)
        #expect(log.finished.withLock { $0 } == 700)
    }

    /// `max_offered` counts calls made: every third launch is blocked, so the scheduler
    /// goes on until 30 were made (44 launched, 14 of them blocked), and stops then.
    @Test func blockedCallsDoNotCountAgainstMaxOffered() {
        let clock = ManualRunClock()
        let (scheduler, log) = make(Pacer(curve: .constant(10), maxCalls: 30), clock: clock, blocks: { $0 % 3 == 2 })
        scheduler.start()
        clock.advance(by: 10_000_000_000)
        let launches = log.launches.withLock { $0 }
        #expect(launches.count == 44 && launches.filter { $0.index % 3 != 2 }.count == 30)
        #expect(launches.last?.scheduledAt == 4_400_000_000, "the 44th call, due at 4.4 s, was the last")
        #expect(log.finished.withLock { $0 } == 44)
        #expect(!clock.hasArmedTimer)
    }
}
