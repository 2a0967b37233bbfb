import LoadTest

#if canImport(Glibc)
import Glibc
#endif

/// The profile argument and the override options shared by `switchy check` and
/// `switchy run`: `PROFILE [--rate R] [--limit N] [--duration S|auto] [--max-offered N]
/// [--run-time S] [--slave HOST[:PORT]]... [--password-env VAR] [--out DIR]`.
struct ProfileOptions {
    var path: String
    var overrides: Profile.Overrides

    /// A usage error, as one line.
    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    static let help = """
          --rate R               Constant rate in calls/s (replaces load.rate / load.ramp).
          --limit N              Most concurrent calls (load.limit).
          --duration S|auto      Hold time after answer in whole seconds, or auto (load.duration).
          --max-offered N        Stop after offering N calls (load.max_offered).
          --run-time S           Stop offering after S seconds (load.run_time).
          --slave HOST[:PORT]    Use this FreeSWITCH instead of the profile's slaves (repeatable;
                                 port 8021 unless given).
          --password-env VAR     Password for --slave from environment variable VAR.
                                 Default: $ESL_PASSWORD, else FreeSWITCH's default ClueCon.
          --out DIR              Results folder (report.dir).
        """

    /// Parses `arguments`; `--help` is handled by the caller.
    static func parse(_ arguments: [String]) throws(UsageError) -> ProfileOptions {
        var path: String?
        var overrides = Profile.Overrides()
        var addresses: [HostPort] = []
        var passwordVariable: String?
        var index = 0
        func value(_ option: String) throws(UsageError) -> String {
            guard index + 1 < arguments.count else { throw UsageError(description: "\(option) needs a value") }
            index += 1
            return arguments[index]
        }
        func number(_ option: String, _ what: String) throws(UsageError) -> Double {
            let text = try value(option)
            guard let number = Double(text), number.isFinite else {
                throw UsageError(description: "\(option) expects \(what), got '\(text)'")
            }
            return number
        }
        func integer(_ option: String, _ what: String) throws(UsageError) -> Int {
            let text = try value(option)
            guard let number = Int(text) else { throw UsageError(description: "\(option) expects \(what), got '\(text)'") }
            return number
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--rate": overrides.rate = try number(argument, "a number of calls per second")
            case "--limit": overrides.limit = try integer(argument, "a whole number of calls")
            case "--duration":
                let text = try value(argument)
                if text == "auto" {
                    overrides.duration = .auto
                } else if let seconds = Int(text) {
                    overrides.duration = .seconds(seconds)
                } else {
                    throw UsageError(description: "--duration expects whole seconds or 'auto', got '\(text)'")
                }
            case "--max-offered": overrides.maxOffered = try integer(argument, "a whole number of calls")
            case "--run-time": overrides.runTime = try number(argument, "a number of seconds")
            case "--slave":
                let text = try value(argument)
                do {
                    addresses.append(try HostPort(parsing: text, defaultPort: 8021))
                } catch {
                    throw UsageError(description: "--slave \(error)")
                }
            case "--password-env": passwordVariable = try value(argument)
            case "--out": overrides.outputDirectory = try value(argument)
            default:
                if argument.hasPrefix("-") && argument != "-" {
                    throw UsageError(description: "unknown option '\(argument)'")
                }
                guard path == nil else { throw UsageError(description: "unexpected argument '\(argument)' (one PROFILE only)") }
                path = argument
            }
            index += 1
        }
        guard let path else { throw UsageError(description: "expected a PROFILE file, e.g. profiles/demo.json5") }
        if !addresses.isEmpty {
            let password: Profile.Secret
            if let passwordVariable {
                guard let value = getenv(passwordVariable).map({ String(cString: $0) }) else {
                    throw UsageError(description: "--password-env \(passwordVariable): that environment variable is not set")
                }
                password = Profile.Secret(value, source: .environment(passwordVariable))
            } else if let value = getenv("ESL_PASSWORD").map({ String(cString: $0) }) {
                password = Profile.Secret(value, source: .environment("ESL_PASSWORD"))
            } else {
                password = .clueCon
            }
            overrides.slaves = addresses.map { Profile.Slave.Remote(host: $0.host, port: $0.port, password: password) }
        } else if passwordVariable != nil {
            throw UsageError(description: "--password-env applies to --slave; set profile passwords with \"env:VAR\"")
        }
        return ProfileOptions(path: path, overrides: overrides)
    }
}
