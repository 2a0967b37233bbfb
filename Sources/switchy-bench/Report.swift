import Foundation

/// The figures, as one JSON object (medians) or as a table for people.
enum Report {
    /// The JSON object's keys, in order: the figures of issue 7, then `socket_vs_raw`
    /// (issue 13), then the hold precision at 1,000 calls/s (issue 14), then the send
    /// path against slow slaves (issue 15), then issue 13's generator CPU per call,
    /// memory without the plan's sizing and the scheduler beside a CPU hog.
    static let keys = [
        "decode_events_per_s", "scan_events_per_s", "decode_vs_scan", "socket_events_per_s",
        "scheduler_lag_p99_ms", "rate_error_pct", "e2e_max_cps", "bytes_per_active_call", "socket_vs_raw",
        "hold_median_dev_ms", "hold_p99_dev_ms", "server_hold_median_dev_ms", "server_hold_p99_dev_ms",
        "sendpath_lag_p99_ms", "sendpath_achieved_pct", "sendpath_send_queue_p99_ms",
        "e2e_cpu_us_per_call", "bytes_per_active_call_unreserved", "scheduler_lag_p99_hog_ms", "rate_error_hog_pct",
        "scheduler_lag_p99_nice_ms", "scheduler_lag_p99_hog_nice_ms",
    ]

    /// `{"decode_events_per_s": …, …}` on one line, medians only.
    static func json(_ figures: [Figure]) -> String {
        let byKey = Dictionary(figures.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let fields = keys.compactMap { key in byKey[key].map { "\"\(key)\": \(Format.json($0.stats.median))" } }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    /// One line per figure: min / median / max, the goal and whether the median meets it.
    static func table(_ figures: [Figure]) -> String {
        var lines = ["figure                      min / median / max                      goal"]
        for figure in figures {
            let spread = [figure.stats.min, figure.stats.median, figure.stats.max].map(Format.number)
                .joined(separator: " / ")
            var line = figure.key.padding(toLength: max(28, figure.key.count + 1), withPad: " ", startingAt: 0)
            line += (spread + " " + figure.unit).padding(toLength: 40, withPad: " ", startingAt: 0)
            if let goal = figure.goal {
                line += goal.text + (goal.isMet(by: figure.stats.median) ? "  met" : "  MISSED")
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
