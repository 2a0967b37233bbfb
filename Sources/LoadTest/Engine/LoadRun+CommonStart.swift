import Foundation

extension LoadRun {
    /// A start shared by several generators (`--start-at`): each connects and passes
    /// preflight first, then waits on the run clock until the common time, so segments
    /// started seconds apart by an orchestrator begin offering together.
    public struct CommonStart: Sendable {
        /// When offering begins, ns of the run clock.
        public var deadline: Int64
        /// How the time was given (`2026-12-05T10:00:00Z`), for the warning of a late start.
        public var label: String
        /// Told, before the wait, how many seconds it lasts (not called when the time
        /// has passed).
        public var waiting: @Sendable (Double) -> Void

        /// A deadline this far past (s) or more is warned of, and the run starts from now
        /// instead of from it.
        public static let lateWarning = 1.0

        public init(deadline: Int64, label: String, waiting: @escaping @Sendable (Double) -> Void = { _ in }) {
            self.deadline = deadline
            self.label = label
            self.waiting = waiting
        }
    }

    /// Waits for ``commonStart`` (ended early by an interrupt or a stop) and returns the
    /// run's t = 0: the common time itself when it was waited for, or when it passed
    /// less than ``CommonStart/lateWarning`` s ago (so every segment's calls are due at
    /// the same instants; a host that is a little late sends the calls due meanwhile at
    /// once, as after a late timer, and their schedule lag shows it); now when there is
    /// none, or when it passed longer ago, with a warning (a late host starts at once
    /// rather than never, or than with a burst of every call it missed: its calls are
    /// still its share, only later).
    func waitForCommonStart() async -> Int64 {
        let now = clock.now()
        guard let start = commonStart else { return now }
        guard start.deadline > now else {
            let late = Double(now - start.deadline) / 1e9
            guard late >= CommonStart.lateWarning else { return start.deadline }
            note(
                "--start-at \(start.label) had passed by \(String(format: "%.1f", late)) s when the slaves were ready: "
                    + "offering started at once, that late against the other segments")
            return now
        }
        start.waiting(Double(start.deadline - now) / 1e9)
        await clock.sleep(until: start.deadline, unless: startWaker)
        let after = clock.now()
        return after >= start.deadline ? start.deadline : after
    }
}
