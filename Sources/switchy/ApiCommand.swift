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
               switchy api HOST[:PORT] bgapi COMMAND... [--wait]

        Connects to FreeSWITCH's Event Socket, runs `api COMMAND...` and prints the
        output as `fs_cli -x` does. `bgapi COMMAND...` prints `+OK Job-UUID: …` as
        fs_cli does; with --wait, then the job's result once it comes.

        ARGUMENTS:
          HOST[:PORT]          The Event Socket address (port 8021 unless given;
                               write an IPv6 address as [::1]:8021).
          COMMAND...           The api command and its arguments, e.g. `status`.
                               Put it after `--` if it has words starting with `-`.

        OPTIONS:
          --password-env VAR   Read the ESL password from environment variable VAR.
                               Default: $ESL_PASSWORD, else FreeSWITCH's ClueCon.
          --timeout SECONDS    Connect and authentication timeout (default 5).
          --wait               With bgapi: wait for the job's result and print it
                               (until it comes, or Ctrl-C).
          -h, --help           Show this help.

        EXIT CODES:
          0 success; 1 the command (or the bgapi job) answered -ERR or -USAGE;
          2 bad usage; 3 could not connect or authenticate, or the connection
          ended before the job's result.
        """

    static func run(_ arguments: [String]) async -> ExitCode {
        var positional: [String] = []
        var passwordVariable: String?
        var timeout = 5.0
        var wait = false
        var scanner = ArgumentScanner(arguments, options: ["--password-env", "--timeout"], flags: ["--wait"])
        do throws(ArgumentScanner.UsageError) {
            // Our options are read anywhere until `--`; everything after it belongs to
            // the FreeSWITCH command.
            while let item = try scanner.next() {
                switch item {
                case .help:
                    Output.print(usage)
                    return .success
                case .positional(let argument): positional.append(argument)
                case .option("--wait"): wait = true
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
        let background = positional[1].lowercased() == "bgapi"
        if wait, !background { return usageError("--wait is for bgapi COMMAND... (an api command's output comes at once)") }
        if background, positional.count < 3 { return usageError("bgapi needs a COMMAND to run in the background") }
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

        let options = Connection.Options(connectTimeout: timeout)
        if wait { return await runAndWait(positional[2...].joined(separator: " "), address, password, options) }
        let client = Client(host: address.host, port: address.port, password: password)
        do {
            try await client.connect(options: options)
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

    /// `bgapi COMMAND` with its result: the job's reply line, then its result (from the
    /// BACKGROUND_JOB event, on a listener's connection of its own).
    private static func runAndWait(
        _ command: String, _ address: HostPort, _ password: String, _ options: Connection.Options
    ) async -> ExitCode {
        let listener = EventListener(host: address.host, port: address.port, password: password, keepVariables: false)
        let client = Client(host: address.host, port: address.port, password: password, listener: listener)
        defer {
            client.close()
            listener.stop()
        }
        let job: Job
        do {
            try await client.connect(options: options)
            try await listener.connect(options: options)
            job = try await client.bgapi(command)
        } catch let error as CommandError {
            Output.write("\(error.reply)\n")
            return .commandFailed
        } catch {
            Output.error("switchy: \(error)")
            return .unreachable
        }
        Output.write("+OK Job-UUID: \(job.uuid)\n")
        do throws(JobError) {
            let result = try await job.get(timeout: .seconds(365 * 86_400))
            Output.write(result.hasSuffix("\n") || result.isEmpty ? result : result + "\n")
            return .success
        } catch {
            guard case .failed(_, let reply) = error else {
                Output.error("switchy: \(error)")
                return .unreachable
            }
            Output.write(reply.hasSuffix("\n") ? reply : reply + "\n")
            return .commandFailed
        }
    }

    private static func usageError(_ message: String) -> ExitCode {
        Output.error("switchy api: \(message) (see switchy api --help)")
        return .usage
    }
}
