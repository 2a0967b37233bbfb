import LoadTest

/// `--metrics` for one run: the live metrics sink, the server that shows it, and the
/// linger after the run (`--metrics-linger`), which Ctrl-C ends.
final class LiveEndpoint: Sendable {
    let sink: LiveMetricsSink
    private let server: MetricsServer
    private let lingerSeconds: Double
    private let linger = Linger()

    private init(sink: LiveMetricsSink, server: MetricsServer, lingerSeconds: Double) {
        self.sink = sink
        self.server = server
        self.lingerSeconds = lingerSeconds
    }

    /// Serves `run`'s metrics as `options` say, before anything else starts (so an
    /// address that cannot be served is a usage error), and says where; nil without
    /// `--metrics`.
    static func start(_ options: MetricsOptions?, run: LiveMetrics.RunInfo) throws(ArgumentScanner.UsageError) -> LiveEndpoint? {
        guard let options else { return nil }
        let sink = LiveMetricsSink(run: run)
        let server = try options.serve(sink)
        Output.error("switchy run: metrics at \(server.url)")
        return LiveEndpoint(sink: sink, server: server, lingerSeconds: options.linger)
    }

    /// The run is over: from now on Ctrl-C ends the linger, not the run.
    func runEnded() {
        if lingerSeconds > 0 { linger.arm() }
    }

    /// True (and the linger ended) when a Ctrl-C was for the linger.
    func interruptLinger() -> Bool {
        guard linger.isActive else { return false }
        linger.end()
        return true
    }

    /// Keeps serving the final figures for the linger, if any, then stops.
    func lingerThenStop() async {
        if lingerSeconds > 0 {
            Output.error("switchy run: serving the final metrics at \(server.url) for \(lingerSeconds.compactText) s (Ctrl-C to stop)")
            await linger.wait(seconds: lingerSeconds)
        }
        server.stop()
    }

    func stop() { server.stop() }
}
