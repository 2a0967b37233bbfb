import Foundation

/// Renders ``LiveMetrics`` as a Prometheus scrape: the text exposition format 0.0.4, or
/// OpenMetrics 1.0.0 text when the scraper asks for it (``Format/init(accept:)``).
///
/// The two differ in a few places, all here: OpenMetrics names a counter's family
/// without `_total` (its sample keeps it), has an `info` type (`switchy_run` with the
/// sample `switchy_run_info`; a gauge in 0.0.4), `# UNIT` lines, escapes `"` in help
/// text too, and ends with `# EOF`. Label values are escaped alike (`\\`, `\"`, `\n`).
public enum MetricsExposition {
    /// Which text format a scrape gets.
    public enum Format: Sendable, Equatable {
        /// `text/plain; version=0.0.4`.
        case prometheus
        /// `application/openmetrics-text; version=1.0.0`.
        case openMetrics

        /// The format an `Accept` header asks for: OpenMetrics when it lists
        /// `application/openmetrics-text` (version 1.0.0 or none) with a quality at
        /// least that of `text/plain`; the 0.0.4 text otherwise (no header included).
        public init(accept: String?) {
            var openMetrics = 0.0, text = 0.0
            for range in (accept ?? "").split(separator: ",") {
                let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                guard let type = parts.first else { continue }
                var quality = 1.0, version: String?
                for parameter in parts.dropFirst() {
                    let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    guard pair.count == 2 else { continue }
                    if pair[0] == "q" { quality = Double(pair[1]) ?? 0 }
                    if pair[0] == "version" { version = pair[1] }
                }
                if type == "application/openmetrics-text", version == nil || version == "1.0.0" {
                    openMetrics = max(openMetrics, quality)
                } else if type == "text/plain" {
                    text = max(text, quality)
                }
            }
            self = openMetrics > 0 && openMetrics >= text ? .openMetrics : .prometheus
        }

        /// The `Content-Type` of a response in this format.
        public var contentType: String {
            switch self {
            case .prometheus: "text/plain; version=0.0.4; charset=utf-8"
            case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
            }
        }
    }

    /// The scrape's text.
    public static func render(_ metrics: LiveMetrics, format: Format) -> String {
        var out = Writer(format: format)
        let run = metrics.run
        out.family("switchy_run", .info, help: "The run: its id, the profile's name and its execution segment (empty when none).")
        out.sample("switchy_run_info", [("run_id", run.runID), ("name", run.name), ("segment", run.segment)], "1")

        let keys = metrics.slaveApps
        out.family("switchy_calls_offered", .counter, help: "Calls offered, by slave and app.")
        for key in keys {
            out.sample("switchy_calls_offered_total", [("slave", key.slave), ("app", key.app)], metrics.offered[key] ?? 0)
        }
        out.family("switchy_calls", .counter, help: "Calls finished, by slave, app and outcome.")
        for key in keys {
            let counts = metrics.outcomes[key] ?? [:]
            for outcome in CallRecord.Outcome.allCases {
                out.sample(
                    "switchy_calls_total", [("slave", key.slave), ("app", key.app), ("outcome", outcome.rawValue)],
                    counts[outcome] ?? 0)
            }
        }
        out.family("switchy_calls_blocked", .counter, help: "Calls due but not offered: the concurrency limit was reached.")
        out.sample("switchy_calls_blocked_total", [], metrics.blocked)

        out.family("switchy_calls_up", .gauge, help: "Calls answered and not yet ended.")
        out.sample("switchy_calls_up", [], metrics.callsUp)
        out.family("switchy_calls_in_flight", .gauge, help: "Calls offered and not yet finished.")
        out.sample("switchy_calls_in_flight", [], metrics.inFlight)
        out.family("switchy_target_cps", .gauge, help: "Calls per second the schedule asked for in the last second.")
        out.sample("switchy_target_cps", [], number(metrics.targetRate))
        out.family("switchy_current_cps", .gauge, help: "Calls per second offered in the last second.")
        out.sample("switchy_current_cps", [], number(metrics.currentRate))
        out.family("switchy_offering", .gauge, help: "1 while the run offers calls, 0 once it drains or is over.")
        out.sample("switchy_offering", [], metrics.offering ? "1" : "0")

        out.family("switchy_slave_up", .gauge, help: "1 when the slave is connected and taking calls.")
        for slave in metrics.slaves { out.sample("switchy_slave_up", [("slave", slave.name)], slave.up ? "1" : "0") }
        out.family("switchy_slave_sessions", .gauge, help: "Channels up on the slave, by its latest reading.")
        for slave in metrics.slaves {
            if let sessions = slave.sessions { out.sample("switchy_slave_sessions", [("slave", slave.name)], sessions) }
        }
        out.family("switchy_slave_idle_cpu_ratio", .gauge, help: "The slave's idle CPU, 0 to 1, by its latest reading.")
        for slave in metrics.slaves {
            if let idle = slave.idleCPU { out.sample("switchy_slave_idle_cpu_ratio", [("slave", slave.name)], number(idle / 100)) }
        }

        out.histogram("switchy_answer_seconds", metrics.answer, help: "Sent to answered (answer_ms), seconds.")
        out.histogram("switchy_pdd_seconds", metrics.pdd, help: "Sent to first ringing or early media (pdd_ms), seconds.")
        out.histogram(
            "switchy_setup_seconds", metrics.setup, help: "Due to answered (setup_ms_from_schedule), seconds.")
        if format == .openMetrics { out.text += "# EOF\n" }
        return out.text
    }

    // MARK: Text

    /// A label value as both formats write it: `\` → `\\`, `"` → `\"`, newline → `\n`.
    public static func escapeLabelValue(_ value: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count)
        for character in value.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// Help text: `\` and newline escaped (0.0.4), and `"` too (OpenMetrics).
    static func escapeHelp(_ help: String, format: Format) -> String {
        let escaped = escapeLabelValue(help)
        return format == .openMetrics ? escaped : escaped.replacingOccurrences(of: "\\\"", with: "\"")
    }

    /// A sample value: whole numbers without a fraction, `+Inf`, `-Inf`, `NaN`.
    public static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// A bucket's `le`: a float with a fraction (`1.0`, as OpenMetrics' canonical
    /// form has it, which 0.0.4 reads alike), `+Inf` for the last.
    static func upperBound(_ value: Double) -> String {
        if value.isInfinite { return "+Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return "\(Int64(value)).0" }
        return "\(value)"
    }

    enum Kind: String {
        case counter, gauge, histogram, info
    }

    /// Appends families and samples in one format.
    struct Writer {
        let format: Format
        var text = ""

        /// `# HELP` and `# TYPE` (and `# UNIT` for a histogram in seconds, in
        /// OpenMetrics) of the family `name`, as OpenMetrics names it.
        mutating func family(_ name: String, _ kind: Kind, help: String) {
            var name = name
            var kind = kind
            if format == .prometheus {
                switch kind {
                case .counter: name += "_total"
                case .info: (name, kind) = (name + "_info", .gauge)
                case .gauge, .histogram: break
                }
            }
            text += "# HELP \(name) \(escapeHelp(help, format: format))\n"
            text += "# TYPE \(name) \(kind.rawValue)\n"
            if format == .openMetrics, kind == .histogram, name.hasSuffix("_seconds") { text += "# UNIT \(name) seconds\n" }
        }

        mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Int) {
            sample(name, labels, String(value))
        }

        mutating func sample(_ name: String, _ labels: [(String, String)], _ value: String) {
            text += name
            if !labels.isEmpty {
                text += "{" + labels.map { "\($0.0)=\"\(escapeLabelValue($0.1))\"" }.joined(separator: ",") + "}"
            }
            text += " \(value)\n"
        }

        mutating func histogram(_ name: String, _ histogram: BucketHistogram, help: String) {
            family(name, .histogram, help: help)
            for bucket in histogram.cumulative {
                sample(name + "_bucket", [("le", upperBound(bucket.upperBound))], bucket.count)
            }
            sample(name + "_sum", [], number(histogram.sum))
            sample(name + "_count", [], histogram.count)
        }
    }
}
