#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LoadTest
import Synchronization

/// Progress on stderr: on a terminal, one live line redrawn in place every second,
/// sized to the terminal (``ProgressLine``) and coloured unless `NO_COLOR` or
/// `--no-color` says not to; otherwise (a CI log) one plain line every
/// `--progress-interval` seconds. A ``RecordSink`` of the run: it gets the per-second
/// snapshots on the record queue.
///
/// `rate` is the calls offered in the last second and `target` what the schedule asked
/// for in it; `answered` counts answers when they happen, `up` the calls answered and
/// not yet ended (the README's "Counting rules").
final class ProgressPrinter: RecordSink {
    /// How the run says how far it is.
    struct Plan {
        /// Planned offering time, s (`run_time` or a ramp's length).
        var seconds: Double?
        /// `max_offered`.
        var calls: Int?
        /// A capacity search's steps: how long each lasts and their rates.
        var search: (stepSeconds: Double, rates: [Double])? = nil
    }

    private let live: Bool
    private let quiet: Bool
    private let colour: Bool
    private let interval: Double
    private let plan: Plan
    private let state = Mutex<(printed: Double, previous: LoadRun.Progress?)>((-.infinity, nil))

    init(quiet: Bool, noColour: Bool, interval: Double, plan: Plan) {
        self.quiet = quiet
        self.interval = interval
        self.plan = plan
        let term = getenv("TERM").map { String(cString: $0) }
        live = isatty(2) == 1 && term != "dumb"
        let noColourVariable = getenv("NO_COLOR").map { !String(cString: $0).isEmpty } ?? false
        colour = live && !noColour && !noColourVariable
    }

    func add(_ record: CallRecord) {}

    func progress(_ progress: LoadRun.Progress) {
        guard !quiet else { return }
        let (previous, due) = state.withLock { state in
            defer { state.previous = progress }
            // Snapshots come once a second, give or take the clock: half a second of slack.
            let due = progress.elapsed - state.printed >= interval - 0.5
            if due && !live { state.printed = progress.elapsed }
            return (state.previous, due)
        }
        let figures = Self.figures(progress, previous: previous, plan: plan)
        if live {
            // Redraw in place: back to the start of the line, then clear what is left.
            let line = ProgressLine.render(figures, width: Self.terminalWidth(), colour: colour)
            Output.writeError("\r" + line + "\u{1B}[K")
        } else if due {
            Output.error(ProgressLine.render(figures, width: .max, colour: false))
        }
    }

    /// Ends the live line (the run is over, or it failed).
    func finish() {
        if live && !quiet { Output.writeError("\n") }
    }

    /// The line's figures from this second's snapshot and the one before.
    static func figures(_ progress: LoadRun.Progress, previous: LoadRun.Progress?, plan: Plan) -> ProgressLine.Figures {
        let dropped = progress.outcomes[.dropped] ?? 0
        let lost = progress.outcomes[.lost] ?? 0
        let failed = progress.outcomes.filter { ![.answered, .dropped, .lost].contains($0.key) }.values.reduce(0, +)
        let (rate, target) = progress.rates(since: previous)
        let fraction = Self.fraction(
            offeringSeconds: progress.offeringSeconds, callsDue: progress.offered + progress.blocked, plan: plan)
        var figures = ProgressLine.Figures(
            elapsed: progress.elapsed, planned: plan.seconds, fraction: fraction, rate: rate, target: target,
            callsUp: progress.callsUp, answered: progress.answersSeen, dropped: dropped, failed: failed, lost: lost,
            blocked: progress.blocked, draining: !progress.offering)
        figures.step = step(offeringSeconds: progress.offeringSeconds, plan: plan)
        return figures
    }

    /// How far the run is, 0…1: by time or by `max_offered`, whichever is further; nil
    /// with neither. Draining, the offering time is frozen, so a run stopped early shows
    /// how far it got.
    static func fraction(offeringSeconds: Double, callsDue: Int, plan: Plan) -> Double? {
        var fractions: [Double] = []
        if let seconds = plan.seconds, seconds > 0 { fractions.append(offeringSeconds / seconds) }
        if let calls = plan.calls, calls > 0 { fractions.append(Double(callsDue) / Double(calls)) }
        return fractions.max()
    }

    /// In a search, the step of the second that just ended (row n covers (n − 1, n] s):
    /// its index, the number of steps and its rate.
    static func step(offeringSeconds: Double, plan: Plan) -> (index: Int, count: Int, rate: Double)? {
        guard let search = plan.search, search.stepSeconds > 0, !search.rates.isEmpty else { return nil }
        let index = min(search.rates.count - 1, max(0, Int(((offeringSeconds - 1e-6) / search.stepSeconds).rounded(.down))))
        return (index, search.rates.count, search.rates[index])
    }

    /// The terminal's width: stderr's window size, else `COLUMNS`, else 80.
    static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = getenv("COLUMNS").flatMap({ Int(String(cString: $0)) }), columns > 0 { return columns }
        return 80
    }
}
