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
        "--threshold", "--progress-interval", "--metrics", "--metrics-linger",
    ]

    /// Parses `arguments`.
    static func parse(_ arguments: [String]) throws(UsageError) -> ProfileOptions {
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
        return ProfileOptions(
            path: path, overrides: overrides, thresholds: thresholds, quiet: quiet, noColour: noColour,
            progressInterval: progressInterval, metrics: metrics)
    }
}
