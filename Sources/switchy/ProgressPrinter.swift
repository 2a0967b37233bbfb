#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LoadTest
import Synchronization

/// Progress on stderr: one live line on a terminal, a line every 5 s otherwise. A
/// ``RecordSink`` of the run: it gets the per-second snapshots on the record queue.
///
/// `target` and `achieved` are the summary's `target_rate` and `achieved_rate` over the
/// offering time so far; while draining they stay at the run's (what summary.json will
/// say). `answered` counts answers when they happen, `up` the calls answered and not yet
/// ended (the README's "Counting rules").
final class ProgressPrinter: RecordSink {
    private let live: Bool
    private let quiet: Bool
    private let lastLine = Mutex<(printed: Double, width: Int)>((-5, 0))

    init(quiet: Bool) {
        self.quiet = quiet
        self.live = isatty(2) == 1 && getenv("TERM").map { String(cString: $0) } != "dumb"
    }

    func add(_ record: CallRecord) {}

    func progress(_ progress: LoadRun.Progress) {
        guard !quiet else { return }
        // Lost calls (a slave dropped, stalled or lost events) apart from the rest of the
        // calls not answered.
        let lost = progress.outcomes[.lost] ?? 0
        let dropped = progress.outcomes[.dropped] ?? 0
        let failed = progress.outcomes.filter { ![.answered, .dropped, .lost].contains($0.key) }.values.reduce(0, +)
        let phase = progress.offering ? "" : " draining"
        let line = String(
            format: "%6.1fs  target %6.1f/s  achieved %6.1f/s  active %5d  answered %6d  up %5d  dropped %4d  failed %5d  lost %4d  blocked %5d%@",
            progress.elapsed, progress.targetRate, progress.achievedRate, progress.inFlight, progress.answersSeen,
            progress.callsUp, dropped, failed, lost, progress.blocked, phase)
        if live {
            let width = lastLine.withLock { state in
                defer { state.width = line.count }
                return state.width
            }
            let padding = String(repeating: " ", count: max(0, width - line.count))
            Output.writeError("\r" + line + padding)
        } else {
            let due = lastLine.withLock { state in
                guard progress.elapsed - state.printed >= 5 else { return false }
                state.printed = progress.elapsed
                return true
            }
            if due { Output.error(line) }
        }
    }

    /// Ends the live line (the run is over, or it failed).
    func finish() {
        if live && !quiet { Output.writeError("\n") }
    }
}
