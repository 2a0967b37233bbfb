#if canImport(Glibc)
import Glibc
#endif
import ESL
import Switchy

/// `switchy api HOST[:PORT] COMMAND...`
enum ApiCommand {
    static let usage = """
        USAGE: switchy api HOST[:PORT] COMMAND... [--password-env VAR] [--timeout S]
               switchy api [options] HOST[:PORT] -- COMMAND...

        Connects to FreeSWITCH's Event Socket, runs `api COMMAND...` and prints the
        output as `fs_cli -x` does.

        ARGUMENTS:
          HOST[:PORT]          The Event Socket address (port 8021 unless given;
                               write an IPv6 address as [::1]:8021).
          COMMAND...           The api command and its arguments, e.g. `status`.
                               Put it after `--` if it has words starting with `-`.

        OPTIONS:
          --password-env VAR   Read the ESL password from environment variable VAR.
                               Default: $ESL_PASSWORD, else FreeSWITCH's ClueCon.
          --timeout SECONDS    Connect and authentication timeout (default 5).
          -h, --help           Show this help.

        EXIT CODES:
          0 success; 1 the command answered -ERR or -USAGE; 2 bad usage;
          3 could not connect or authenticate.
        """

    static func run(_ arguments: [String]) async -> ExitCode {
        var positional: [String] = []
        var passwordVariable: String?
        var timeout = 5.0
        var scanner = ArgumentScanner(arguments, options: ["--password-env", "--timeout"])
        do throws(ArgumentScanner.UsageError) {
            // Our options are read anywhere until `--`; everything after it belongs to
            // the FreeSWITCH command.
            while let item = try scanner.next() {
                switch item {
                case .help:
                    Output.print(usage)
                    return .success
                case .positional(let argument): positional.append(argument)
                case .option("--timeout"):
                    let value = try scanner.value()
                    guard let seconds = Double(value), seconds > 0 else {
                        return usageError("--timeout expects a number of seconds > 0, got '\(value)'")
                    }
                    timeout = seconds
                case .option: passwordVariable = try scanner.value()
                }
            }
        } catch {
            return usageError(error.description)
        }
        guard positional.count >= 2 else { return usageError("expected HOST[:PORT] and a COMMAND") }
        let address: HostPort
        do {
            address = try HostPort(parsing: positional[0], defaultPort: 8021)
        } catch {
            return usageError("\(error)")
        }
        let password: String
        if let passwordVariable {
            guard let value = getenv(passwordVariable).map({ String(cString: $0) }) else {
                return usageError("--password-env \(passwordVariable): that environment variable is not set")
            }
            password = value
        } else {
            password = getenv("ESL_PASSWORD").map { String(cString: $0) } ?? "ClueCon"
        }

        let client = Client(host: address.host, port: address.port, password: password)
        do {
            try await client.connect(options: Connection.Options(connectTimeout: timeout))
        } catch {
            Output.error("switchy: \(error)")
            return .unreachable
        }
        defer { client.close() }
        let command = positional[1...].joined(separator: " ")
        do {
            let response = try await client.api(command)
            let body = response.body ?? ""
            Output.write(body.hasSuffix("\n") || body.isEmpty ? body : body + "\n")
            return body.hasPrefix("-ERR") || body.hasPrefix("-USAGE") ? .commandFailed : .success
        } catch {
            Output.error("switchy: \(error)")
            return .unreachable
        }
    }

    private static func usageError(_ message: String) -> ExitCode {
        Output.error("switchy api: \(message) (see switchy api --help)")
        return .usage
    }
}
