import Synchronization

/// The run's counters: calls offered, blocked by the limit, answered (when the answer
/// is seen), finished by outcome.
/// Atomics only, so that every slave's reader can count a close without sharing a lock.
final class RunCounters: Sendable {
    private let offeredCount = Atomic<Int>(0)
    private let blockedCount = Atomic<Int>(0)
    private let answered = Atomic<Int>(0)
    private let dropped = Atomic<Int>(0)
    private let rejected = Atomic<Int>(0)
    private let noAnswer = Atomic<Int>(0)
    private let failed = Atomic<Int>(0)
    private let cancelled = Atomic<Int>(0)
    private let lost = Atomic<Int>(0)
    private let answers = Atomic<Int>(0)
    private let answeredEnded = Atomic<Int>(0)

    func offered() { offeredCount.add(1, ordering: .relaxed) }
    func blocked() { blockedCount.add(1, ordering: .relaxed) }
    /// A call's answer was seen (CHANNEL_ANSWER on its originating leg), when it happened.
    func answerSeen() { answers.add(1, ordering: .relaxed) }
    /// Answers seen so far, ended or not.
    var answersSeen: Int { answers.load(ordering: .relaxed) }
    /// A call ended whose answer was seen (its record has an answer time).
    func answeredCallEnded() { answeredEnded.add(1, ordering: .relaxed) }
    /// Calls up: answers seen whose call has not ended, at most `inFlight` (a call lost
    /// with its slave after its answer was seen has no end and leaves the count with
    /// the calls in flight).
    func callsUp(inFlight: Int) -> Int {
        min(max(0, answersSeen - answeredEnded.load(ordering: .relaxed)), inFlight)
    }
    func finished(_ outcome: CallRecord.Outcome) {
        switch outcome {
        case .answered: answered.add(1, ordering: .relaxed)
        case .dropped: dropped.add(1, ordering: .relaxed)
        case .rejected: rejected.add(1, ordering: .relaxed)
        case .noAnswer: noAnswer.add(1, ordering: .relaxed)
        case .failed: failed.add(1, ordering: .relaxed)
        case .cancelled: cancelled.add(1, ordering: .relaxed)
        case .lost: lost.add(1, ordering: .relaxed)
        }
    }

    var snapshot: (offered: Int, blocked: Int) {
        (offeredCount.load(ordering: .relaxed), blockedCount.load(ordering: .relaxed))
    }

    /// Finished calls by outcome (outcomes with none left out).
    var outcomes: [CallRecord.Outcome: Int] {
        var counts: [CallRecord.Outcome: Int] = [:]
        for outcome in CallRecord.Outcome.allCases {
            let count = count(outcome)
            if count > 0 { counts[outcome] = count }
        }
        return counts
    }

    private func count(_ outcome: CallRecord.Outcome) -> Int {
        switch outcome {
        case .answered: answered.load(ordering: .relaxed)
        case .dropped: dropped.load(ordering: .relaxed)
        case .rejected: rejected.load(ordering: .relaxed)
        case .noAnswer: noAnswer.load(ordering: .relaxed)
        case .failed: failed.load(ordering: .relaxed)
        case .cancelled: cancelled.load(ordering: .relaxed)
        case .lost: lost.load(ordering: .relaxed)
        }
    }
}
