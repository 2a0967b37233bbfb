import Foundation
@testable import LoadTest
import Synchronization
import Testing

/// The scheduler's timer on a thread of its own (``ThreadRunTimer``).
@Suite(.timeLimit(.minutes(1))) struct ThreadRunTimerTests {
    /// Fires once per arming, both times on the same thread (its own), for a deadline
    /// passed and for one re-armed from far away to now (the re-arming replaces the
    /// first deadline).
    @Test func firesOncePerArmingOnItsOwnThread() async throws {
        let fired = FireLog()
        let timer = ThreadRunTimer(name: "switchy.scheduler") { fired.add(UInt(pthread_self())) }
        defer { timer.cancel() }
        let clock = DispatchRunClock()
        timer.arm(at: clock.now() - 1_000)
        #expect(await fired.wait(for: 1).count == 1)
        timer.arm(at: clock.now() + 3_600_000_000_000)
        timer.arm(at: clock.now())
        let threads = await fired.wait(for: 2)
        #expect(threads.count == 2 && threads[0] == threads[1] && threads[0] != UInt(pthread_self()))
    }

    /// Without real time the thread never runs under `SCHED_FIFO` (it asks for nice −10
    /// only), even where real time is allowed.
    @Test func withoutRealTimeTheThreadStaysOffSchedFIFO() async {
        let policies = Mutex<[Int32]>([])
        let fired = FireLog()
        let timer = ThreadRunTimer(name: "switchy.scheduler", realTime: false) {
            var policy: Int32 = 0
            var parameters = sched_param()
            pthread_getschedparam(pthread_self(), &policy, &parameters)
            policies.withLock { $0.append(policy) }
            fired.add(UInt(pthread_self()))
        }
        defer { timer.cancel() }
        timer.arm(at: DispatchRunClock().now())
        _ = await fired.wait(for: 1)
        #expect(policies.withLock { $0 } == [SCHED_OTHER])
    }

    /// The run clock gives the scheduler this timer; a manual clock its own.
    @Test func theSchedulerTimerIsAThreadOnRealTimeOnly() {
        let real = DispatchRunClock().makeSchedulerTimer {}
        defer { real.cancel() }
        #expect(real is ThreadRunTimer)
        #expect(!(ManualRunClock().makeSchedulerTimer {} is ThreadRunTimer))
    }
}

/// The threads a timer fired on, and a wait for a number of fires.
private final class FireLog: Sendable {
    private let state = Mutex<(threads: [UInt], waiter: (count: Int, CheckedContinuation<Void, Never>)?)>(([], nil))

    func add(_ thread: UInt) {
        let ready = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.threads.append(thread)
            guard let waiter = state.waiter, state.threads.count >= waiter.count else { return nil }
            state.waiter = nil
            return waiter.1
        }
        ready?.resume()
    }

    func wait(for count: Int) async -> [UInt] {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                if state.threads.count >= count { return true }
                state.waiter = (count, continuation)
                return false
            }
            if ready { continuation.resume() }
        }
        return state.withLock { $0.threads }
    }
}
