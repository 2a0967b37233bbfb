import Switchy

/// The library's quick start (issue 4, "Acceptance"): connect a client and a listener,
/// run a command, see a command fail, load an app, originate a call, hang it up and
/// clean up. Run it against a slave's ESL port: `swift run QuickStart <port>`.
@main struct QuickStart {
    static func main() async throws {
        let port = Int(CommandLine.arguments[1])!
        let listener = EventListener(host: "127.0.0.1", port: port)
        let client = Client(host: "127.0.0.1", port: port, listener: listener)
        try await client.connect()
        try await listener.connect()
        try listener.start()
        print("local_ip_v4:", try await client.cmd("global_getvar local_ip_v4"))
        do {
            _ = try await client.cmd("not a real command")
            fatalError("expected CommandError")
        } catch let error as CommandError {
            print("CommandError:", error)
        }
        let appID = try await client.loadApp(TonePlay())
        let job = try await client.originate(dest: "park@127.0.0.1:5080", appName: "park", appID: appID)
        let uuid = try await job.get(timeout: .seconds(30))
        precondition(uuid == job.sessionUUID)
        guard let call = listener.calls[uuid] else { fatalError("call not tracked") }
        try await call.sessions[0].hangup()
        try await client.hupall()
        print("ok")
    }
}
