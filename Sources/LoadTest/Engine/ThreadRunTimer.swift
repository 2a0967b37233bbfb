#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation

/// A one-shot timer on a thread of its own whose priority is raised where the system
/// allows it: the scheduler's timer (``RunClock/makeSchedulerTimer(_:)``), so that on a
/// machine whose cores are busy (the slaves on the same host, other work) a due call
/// waits for no other thread of this machine to give up its core.
///
/// The thread asks, in turn, for `SCHED_FIFO` at the lowest real-time priority (1),
/// then for nice −10; each needs `CAP_SYS_NICE` (root, or a raised `RLIMIT_RTPRIO` /
/// `RLIMIT_NICE`), and without either it runs as any other thread. It sleeps until the
/// deadline (`pthread_cond_timedwait`), checks it against the monotonic clock and runs
/// the handler, so the handler never runs twice at once; the kernel's real-time
/// throttling (95 % of each second by default) keeps a runaway handler from taking a
/// whole core.
final class ThreadRunTimer: RunTimer, @unchecked Sendable {
    private let condition = NSCondition()
    private let handler: @Sendable () -> Void
    // Guarded by `condition`.
    private var deadline: Int64?
    private var cancelled = false

    /// - Parameter realTime: ask for `SCHED_FIFO` first; false: nice −10 only.
    init(name: String, realTime: Bool = true, _ handler: @escaping @Sendable () -> Void) {
        self.handler = handler
        let thread = Thread { [self] in
            Self.raisePriority(realTime: realTime)
            run()
        }
        thread.name = name
        thread.start()
    }

    func arm(at deadline: Int64) {
        condition.withLock {
            self.deadline = deadline
            condition.signal()
        }
    }

    func cancel() {
        condition.withLock {
            cancelled = true
            condition.signal()
        }
    }

    private func run() {
        condition.lock()
        while !cancelled {
            guard let due = deadline else {
                condition.wait()
                continue
            }
            let now = Int64(DispatchTime.now().uptimeNanoseconds)
            if now < due {
                _ = condition.wait(until: Date(timeIntervalSinceNow: Double(due - now) / 1e9))
                continue
            }
            deadline = nil
            condition.unlock()
            handler()
            condition.lock()
        }
        condition.unlock()
    }

    /// Raises the calling thread's priority as far as allowed (see the type's comment);
    /// without `realTime`, to nice −10 at most.
    static func raisePriority(realTime: Bool = true) {
        #if os(Linux)
        var parameters = sched_param(sched_priority: 1)
        if realTime, pthread_setschedparam(pthread_self(), SCHED_FIFO, &parameters) == 0 { return }
        // On Linux a nice value is per thread: PRIO_PROCESS with 0 sets the caller's.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, -10)
        #endif
    }
}
