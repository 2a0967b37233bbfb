import Foundation
import LoadTest

#if canImport(Glibc)
import Glibc
#endif

/// The profile argument and the options shared by `switchy check` and `switchy run`:
/// `PROFILE [--rate R] [--limit N] [--duration S|auto] [--max-offered N] [--run-time S]
/// [--slave HOST[:PORT]]... [--password-env VAR] [--out DIR] [--threshold EXPR]...
/// [--quiet] [--no-color] [--progress-interval S] [--metrics [ADDR:]PORT]
/// [--metrics-linger S]`, each as `--name value` or `--name=value` (the last five are
/// `run`'s).
struct ProfileOptions {
    var path: String
    var overrides: Profile.Overrides
    /// `--threshold` rules, in order.
    var thresholds: [Threshold] = []
    /// `--quiet` / `-q`.
    var quiet = false
    /// `--no-color`.
    var noColour = false
    /// `--progress-interval`: seconds between progress lines without a terminal.
    var progressInterval = 5.0
    /// `--metrics` and `--metrics-linger` (`run` only).
    var metrics: MetricsOptions?
    /// `-h` / `--help` was given (nothing else is checked then).
    var help = false
    /// `--segment I/N` (else `SWITCHY_SEGMENT`): the share of the scenario to run.
    var segment = ExecutionSegment.whole
    /// `--run-group ID` (else `SWITCHY_RUN_GROUP`).
    var runGroup: String?
    /// `--start-at TIME`: when offering begins, and the time as written.
    var startAt: (date: Date, text: String)?

    typealias UsageError = ArgumentScanner.UsageError

    static let help = """
          --rate R             Constant rate in calls/s (replaces load.rate/load.ramp).
          --limit N            Most concurrent calls (load.limit).
          --duration S|auto    Hold after answer, whole seconds or auto (load.duration).
          --max-offered N      Stop after offering N calls (load.max_offered).
          --run-time S         Stop offering after S seconds (load.run_time).
          --slave HOST[:PORT]  Use this FreeSWITCH instead of the profile's slaves
                               (repeatable; port 8021 unless given).
          --password-env VAR   Password for --slave from environment variable VAR.
                               Default: $ESL_PASSWORD, else FreeSWITCH's ClueCon.
          --out DIR            Results folder (report.dir).
          --threshold EXPR     A pass/fail rule, e.g. "answer_ms.p99 < 500"
                               (repeatable; added to the profile's thresholds).
        """

    static let optionNames = [
        "--rate", "--limit", "--duration", "--max-offered", "--run-time", "--slave", "--password-env", "--out",
        "--threshold", "--progress-interval", "--metrics", "--metrics-linger", "--segment", "--run-group", "--start-at",
    ]

    /// `switchy run`'s options for running one scenario from several hosts.
    static let segmentHelp = """
          --segment I/N        Run segment I of N of the scenario: every N-th call
                               of its schedule, from the I-th; limit and
                               max_offered split so the shares add up (default
                               $SWITCHY_SEGMENT, else the whole scenario).
          --run-group ID       The id the segments share in summary.json (default
                               $SWITCHY_RUN_GROUP, else derived from the profile
                               and --start-at).
          --start-at TIME      Connect, then wait until TIME (RFC 3339, e.g.
                               2026-12-05T10:00:00Z) to start offering.
        """

    /// Parses `arguments`; `SWITCHY_SEGMENT` and `SWITCHY_RUN_GROUP` of `environment`
    /// apply when their option is not given.
    static func parse(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(UsageError) -> ProfileOptions
    {
        var segment: ExecutionSegment?
        var runGroup: String?
        var startAt: (date: Date, text: String)?
        var path: String?
        var overrides = Profile.Overrides()
        var addresses: [HostPort] = []
        var passwordVariable: String?
        var thresholds: [Threshold] = []
        var quiet = false
        var noColour = false
        var progressInterval = 5.0
        var metrics: MetricsOptions?
        var linger: Double?
        var scanner = ArgumentScanner(arguments, options: optionNames, flags: ["--quiet", "-q", "--no-color"])
        func number(_ option: String, _ what: String) throws(UsageError) -> Double {
            let text = try scanner.value()
            guard let number = Double(text), number.isFinite else {
                throw UsageError("\(option) expects \(what), got '\(text)'")
            }
            return number
        }
        func integer(_ option: String, _ what: String) throws(UsageError) -> Int {
            let text = try scanner.value()
            guard let number = Int(text) else { throw UsageError("\(option) expects \(what), got '\(text)'") }
            return number
        }
        while let item = try scanner.next() {
            switch item {
            case .help:
                var options = ProfileOptions(path: "", overrides: overrides)
                options.help = true
                return options
            case .positional(let argument):
                guard path == nil else { throw UsageError("unexpected argument '\(argument)' (one PROFILE only)") }
                path = argument
            case .option(let option):
                switch option {
                case "--rate": overrides.rate = try number(option, "a number of calls per second")
                case "--limit": overrides.limit = try integer(option, "a whole number of calls")
                case "--duration":
                    let text = try scanner.value()
                    if text == "auto" {
                        overrides.duration = .auto
                    } else if let seconds = Int(text) {
                        overrides.duration = .seconds(seconds)
                    } else {
                        throw UsageError("--duration expects whole seconds or 'auto', got '\(text)'")
                    }
                case "--max-offered": overrides.maxOffered = try integer(option, "a whole number of calls")
                case "--run-time": overrides.runTime = try number(option, "a number of seconds")
                case "--slave":
                    let text = try scanner.value()
                    do {
                        addresses.append(try HostPort(parsing: text, defaultPort: 8021))
                    } catch {
                        throw UsageError("--slave \(error)")
                    }
                case "--password-env": passwordVariable = try scanner.value()
                case "--out": overrides.outputDirectory = try scanner.value()
                case "--threshold":
                    let text = try scanner.value()
                    do { thresholds.append(try Threshold(text)) } catch { throw UsageError("--threshold: \(error)") }
                case "--progress-interval":
                    progressInterval = try number(option, "a number of seconds > 0")
                    guard progressInterval > 0 else {
                        throw UsageError("--progress-interval expects a number of seconds > 0, got '\(progressInterval)'")
                    }
                case "--metrics": metrics = try MetricsOptions(parsing: try scanner.value())
                case "--metrics-linger":
                    let seconds = try number(option, "a number of seconds >= 0")
                    guard seconds >= 0 else { throw UsageError("--metrics-linger expects a number of seconds >= 0, got '\(seconds)'") }
                    linger = seconds
                case "--segment":
                    let text = try scanner.value()
                    do { segment = try ExecutionSegment(parsing: text) } catch { throw UsageError("--segment: \(error)") }
                case "--run-group":
                    let text = try scanner.value()
                    guard RunGroup.isValid(text) else {
                        throw UsageError("--run-group expects \(RunGroup.expectation), got '\(text)'")
                    }
                    runGroup = text
                case "--start-at":
                    let text = try scanner.value()
                    guard let date = RFC3339.date(from: text) else {
                        throw UsageError(
                            "--start-at expects an RFC 3339 time such as 2026-12-05T10:00:00Z or 2026-12-05T12:00:00.5+02:00, got '\(text)'")
                    }
                    startAt = (date, text)
                case "--no-color": noColour = true
                default: quiet = true  // --quiet, -q
                }
            }
        }
        guard let path else { throw UsageError("expected a PROFILE file, e.g. profiles/demo.json5") }
        if let linger {
            guard metrics != nil else { throw UsageError("--metrics-linger applies to --metrics") }
            metrics?.linger = linger
        }
        if !addresses.isEmpty {
            let password: Profile.Secret
            if let passwordVariable {
                guard let value = getenv(passwordVariable).map({ String(cString: $0) }) else {
                    throw UsageError("--password-env \(passwordVariable): that environment variable is not set")
                }
                password = Profile.Secret(value, source: .environment(passwordVariable))
            } else if let value = getenv("ESL_PASSWORD").map({ String(cString: $0) }) {
                password = Profile.Secret(value, source: .environment("ESL_PASSWORD"))
            } else {
                password = .clueCon
            }
            overrides.slaves = addresses.map { Profile.Slave.Remote(host: $0.host, port: $0.port, password: password) }
        } else if passwordVariable != nil {
            throw UsageError("--password-env applies to --slave; set profile passwords with \"env:VAR\"")
        }
        if segment == nil, let text = environment["SWITCHY_SEGMENT"] {
            do { segment = try ExecutionSegment(parsing: text) } catch {
                throw UsageError("SWITCHY_SEGMENT (environment): \(error)")
            }
        }
        if runGroup == nil, let text = environment["SWITCHY_RUN_GROUP"] {
            guard RunGroup.isValid(text) else {
                throw UsageError("SWITCHY_RUN_GROUP (environment) expects \(RunGroup.expectation), got '\(text)'")
            }
            runGroup = text
        }
        return ProfileOptions(
            path: path, overrides: overrides, thresholds: thresholds, quiet: quiet, noColour: noColour,
            progressInterval: progressInterval, metrics: metrics, segment: segment ?? .whole, runGroup: runGroup,
            startAt: startAt)
    }
}
