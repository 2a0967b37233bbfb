extension LoadRun.Progress {
    /// The rates of the span since `previous` (the snapshot before, a second ago give or
    /// take the clock), calls/s: `offered`, the calls offered in it, and `target`, the
    /// calls the schedule asked for in it. The live line and the live metrics both show
    /// these, so they never disagree.
    ///
    ///     due(t)  = targetRate(t) × offeringSeconds(t)    (calls due so far)
    ///     offered = (offered(t) − offered(t₀)) / (t − t₀)
    ///     target  = max(0, (due(t) − due(t₀)) / (t − t₀))
    ///
    /// Without a previous snapshot (or none earlier), the averages so far
    /// (``achievedRate``, ``targetRate``); once offering has stopped, both are 0.
    public func rates(since previous: LoadRun.Progress?) -> (offered: Double, target: Double) {
        guard offering else { return (0, 0) }
        guard let previous, elapsed > previous.elapsed else { return (achievedRate, max(0, targetRate)) }
        let span = elapsed - previous.elapsed
        let due = targetRate * offeringSeconds
        let previousDue = previous.targetRate * previous.offeringSeconds
        return (Double(offered - previous.offered) / span, max(0, (due - previousDue) / span))
    }
}
