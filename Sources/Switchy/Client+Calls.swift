import ESL
import Foundation

extension Client {
    /// Originates a call with `bgapi originate`, as the original Switchy's `originate`.
    ///
    /// The call gets our own `origination_uuid` (so ``Job/sessionUUID`` is known at
    /// once and ``EventListener/calls`` is keyed by it), the listener's run id and the
    /// app id, and `ignore_early_media=true` unless told otherwise.
    ///
    /// - Parameters:
    ///   - dest: `user@host[:port]` for a profile, or the number for a gateway.
    ///   - profile: the sofia profile (default `external`), unless `gateway` is given.
    ///   - gateway: a sofia gateway to call through instead.
    ///   - proxy: an outbound proxy (`;fs_path=sip:<proxy>`).
    ///   - dpExten: transfer the answered call to this dialplan extension…
    ///   - context: …in this context (dialplan XML).
    ///   - appName: the application the answered leg runs (`&<appName>(<appArgs>)`);
    ///     by default the app's own ``CallApp/target``, else `park`.
    ///   - appID: the loaded app that owns the call.
    ///   - variables: more channel variables.
    ///   - timeout: `originate_timeout` in seconds.
    ///   - holdSeconds: hang up this long after answer (on the server).
    public func originate(
        dest: String, profile: String = "external", gateway: String? = nil, proxy: String? = nil,
        dpExten: String? = nil, context: String = "default", appName: String? = nil, appArgs: String = "",
        appID: AppID? = nil, variables: [(name: String, value: String)] = [], timeout: Int? = nil,
        ignoreEarlyMedia: Bool = true, holdSeconds: Int? = nil
    ) async throws -> Job {
        guard let listener else { throw ClientError.noListener }
        let target: OriginateCommand.Target
        if let dpExten {
            target = .dialplan(extension: dpExten, context: context)
        } else if let appName {
            target = .app(appName, args: appArgs)
        } else {
            target = appID.flatMap { apps[$0]?.target } ?? .app("park")
        }
        if let appID, apps[appID] == nil { throw ClientError.appNotLoaded(appID) }
        let command = try OriginateCommand(
            endpoint: gateway.map { .gateway($0, number: dest) } ?? .profile(profile, dest: dest), proxy: proxy,
            target: target, runID: listener.runID, appID: appID?.rawValue, timeout: timeout,
            ignoreEarlyMedia: ignoreEarlyMedia, holdSeconds: holdSeconds, variables: variables)
        return try await originate(command)
    }

    /// Originates one call from a prepared command (the load engine's path: the command
    /// is rendered once, each call only adds its uuid).
    public func originate(_ command: OriginateCommand, uuid: String? = nil, jobUUID: String? = nil) async throws -> Job {
        let uuid = uuid ?? RandomUUID.string()
        return try await bgapi(command.command(uuid: uuid), jobUUID: jobUUID, sessionUUID: uuid)
    }

    /// Hangs up the calls of this client's apps only: `hupall <cause> switchy_app <id>`
    /// for each loaded app, or `hupall <cause> switchy_run <run id>` when none is
    /// loaded. Other calls on the slave are left alone.
    public func hupall(cause: String = "NORMAL_CLEARING") async throws {
        let ids = apps.keys.map(\.rawValue).filter { !$0.isEmpty }
        if ids.isEmpty {
            guard let runID = listener?.runID, !runID.isEmpty else { throw ClientError.noListener }
            _ = try await cmd("hupall \(cause) switchy_run \(runID)")
        }
        // Never with an empty value: `hupall <cause> <var>` alone hangs up every call
        // on the box (esl-protocol.md §10.20).
        for id in ids.sorted() { _ = try await cmd("hupall \(cause) switchy_app \(id)") }
    }

    /// Hangs up **every** call on the slave, ours or not (`hupall <cause>`).
    public func hardHupall(cause: String = "NORMAL_CLEARING") async throws {
        _ = try await cmd("hupall \(cause)")
    }

    /// Loads an app: prepares it, then routes the events of calls carrying its id to it.
    /// Atomic: if ``CallApp/prepare(_:)`` or the subscription fails, nothing of the
    /// app stays registered.
    /// - Returns: the app's id (a new one unless given).
    @discardableResult
    public func loadApp(_ app: some CallApp, id: AppID? = nil) async throws -> AppID {
        guard let listener else { throw ClientError.noListener }
        let appID = id ?? AppID(rawValue: "app-" + UUID().uuidString.lowercased().prefix(8))
        guard apps[appID] == nil else { throw ClientError.appAlreadyLoaded(appID) }
        let context = AppContext(appID: appID, listener: listener, control: SessionControl(self))
        try await app.prepare(context)
        try listener.register(app, context: context)
        do {
            let (byName, withVariables) = app.extraEvents.reduce(into: ([String](), [String]())) { parts, name in
                name == "DTMF" ? parts.0.append(name) : parts.1.append(name)
            }
            try await listener.subscribe(withVariables, byName: false)
            try await listener.subscribe(byName, byName: true)
        } catch {
            _ = listener.unregister(appID)
            app.unload(context)
            throw error
        }
        setApp(app, for: appID)
        return appID
    }

    /// Unloads an app: its callbacks stop; its calls go on.
    public func unloadApp(_ id: AppID) throws {
        guard let listener, let loaded = listener.unregister(id) else { throw ClientError.appNotLoaded(id) }
        setApp(nil, for: id)
        loaded.app.unload(loaded.context)
    }
}
