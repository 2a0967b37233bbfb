#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LoadTest
import TestSupport
import Testing

/// `deploy/kubernetes/`: what a schema cannot check. The Job's pods each run one segment
/// (pod k runs k+1 of N, N equal to the Job's completions and parallelism), every name the
/// Job refers to exists in the other manifests, and the profile it mounts loads. The
/// schemas themselves are checked by PyPI's `kubernetes-validate` where it is installed.
@Suite(.timeLimit(.minutes(2))) struct KubernetesManifestTests {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy/kubernetes")

    static func manifestFiles() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Every resource of every manifest, by "Kind/name".
    static func resources() throws -> [String: MiniYAML.Node] {
        var resources: [String: MiniYAML.Node] = [:]
        for file in try manifestFiles() {
            let documents: [MiniYAML.Node]
            do {
                documents = try MiniYAML.documents(String(decoding: try Data(contentsOf: file), as: UTF8.self))
            } catch let error as MiniYAML.SyntaxError {
                throw MiniYAML.SyntaxError(line: error.line, message: "\(file.lastPathComponent): \(error.message)")
            }
            for document in documents {
                let kind = try #require(document["kind"]?.text, "\(file.lastPathComponent): a resource without kind")
                let name = try #require(document["metadata", "name"]?.text, "\(file.lastPathComponent): \(kind) without a name")
                #expect(resources.updateValue(document, forKey: "\(kind)/\(name)") == nil, "\(kind)/\(name) twice")
            }
        }
        return resources
    }

    static func job(_ name: String = "switchy-run") throws -> (job: MiniYAML.Node, container: MiniYAML.Node) {
        let job = try #require(try resources()["Job/\(name)"], "no Job \(name)")
        let containers = job["spec", "template", "spec", "containers"]?.items ?? []
        let container = try #require(containers.count == 1 ? containers.first : nil, "one container")
        return (job, container)
    }

    static func environment(of container: MiniYAML.Node) -> [String: MiniYAML.Node] {
        var environment: [String: MiniYAML.Node] = [:]
        for entry in container["env"]?.items ?? [] {
            if let name = entry["name"]?.text { environment[name] = entry }
        }
        return environment
    }

    @Test func everyManifestIsReadWithTheResourcesTheReadmeNames() throws {
        let names = Set(try Self.resources().keys)
        #expect(names == ["ConfigMap/switchy-profile", "ConfigMap/switchy-start", "Secret/switchy-esl",
                          "PersistentVolumeClaim/switchy-results", "Job/switchy-run", "Job/switchy-merge"])
    }

    /// Pod k (JOB_COMPLETION_INDEX = k) runs `switchy run … --segment k+1/N`, N being
    /// the Job's completions and parallelism: the container's own command is run by
    /// `/bin/sh` with a stand-in `switchy` that prints its arguments.
    @Test func eachIndexRunsItsOwnSegmentOfAsManyAsTheJobHasCompletions() async throws {
        let (job, container) = try Self.job()
        #expect(job["spec", "completionMode"]?.text == "Indexed")
        let completions = try #require(job["spec", "completions"]?.text.flatMap { Int($0) })
        #expect(job["spec", "parallelism"]?.text == String(completions), "every segment must run at once")
        #expect(job["spec", "backoffLimit"]?.text == "0", "a retried segment would offer its calls twice")
        #expect(job["spec", "template", "spec", "restartPolicy"]?.text == "Never")
        let environment = Self.environment(of: container)
        #expect(environment["SEGMENTS"]?["value"]?.text == String(completions), "SEGMENTS must equal completions")

        let command = (container["command"]?.items ?? []).compactMap(\.text) + (container["args"]?.items ?? []).compactMap(\.text)
        try #require(command.count == 3 && command[0] == "/bin/sh" && command[1] == "-c", "\(command)")
        let standIn = try StandIn()
        var segments: [String] = []
        var outs: [String] = []
        for index in 0..<completions {
            let arguments = try await standIn.run(command[2], environment: [
                "JOB_COMPLETION_INDEX": String(index), "SEGMENTS": String(completions),
                "START_AT": "2026-12-05T12:00:00Z", "RUN_GROUP": "0b6c1f5e-uid",
            ])
            #expect(arguments.first == "run")
            func value(_ option: String) -> String? {
                arguments.firstIndex(of: option).flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
            }
            segments.append(value("--segment") ?? "none")
            #expect(value("--start-at") == "2026-12-05T12:00:00Z")
            #expect(value("--run-group") == "0b6c1f5e-uid")
            outs.append(value("--out") ?? "none")
        }
        #expect(segments == (1...completions).map { "\($0)/\(completions)" })
        #expect(Set(outs).count == completions, "each segment writes to a folder of its own: \(outs)")

        // The merge Job's folders are exactly the run folders the segments make there
        // (`--out` is the folder each run makes its own <UTC time>-<name> folder in).
        let (_, merge) = try Self.job("switchy-merge")
        #expect(merge["image"] == container["image"])
        let mergeCommand = try #require(merge["args"]?.items.first?.text)
        let group = try #require(Self.environment(of: merge)["RUN_GROUP"]?["value"]?.text)
        let pattern = try #require(mergeCommand.split(separator: " ").dropFirst(3).first)
            .replacingOccurrences(of: "\"$RUN_GROUP\"", with: group)
        for out in outs {
            let runFolder = out.replacingOccurrences(of: "0b6c1f5e-uid", with: group) + "/20261205-120000-k8s-stress/"
            #expect(fnmatch(pattern, runFolder, FNM_PATHNAME) == 0, "\(pattern) does not match \(runFolder)")
        }
        #expect(fnmatch(pattern, "/results/\(group)/merged/", FNM_PATHNAME) != 0, "the merge must not read its own output")
    }

    /// The Job's references resolve: the ConfigMaps' keys, the Secret's key, the claim,
    /// and the profile path its command names is a key of the mounted ConfigMap.
    @Test func everyNameTheJobUsesExists() throws {
        let resources = try Self.resources()
        let (job, container) = try Self.job()
        let environment = Self.environment(of: container)
        let (mergeJob, merge) = try Self.job("switchy-merge")
        let mergeClaim = mergeJob["spec", "template", "spec", "volumes"]?.items.compactMap { $0["persistentVolumeClaim", "claimName"]?.text }
        #expect(mergeClaim == ["switchy-results"])
        #expect(merge["volumeMounts"]?.items.contains { $0["mountPath"]?.text == "/results" } == true)
        for (name, entry) in environment {
            if let reference = entry["valueFrom", "configMapKeyRef"] {
                let map = try #require(resources["ConfigMap/\(reference["name"]?.text ?? "")"], "\(name): no such ConfigMap")
                #expect(map["data", reference["key"]?.text ?? ""] != nil, "\(name): no such key")
            }
            if let reference = entry["valueFrom", "secretKeyRef"] {
                let secret = try #require(resources["Secret/\(reference["name"]?.text ?? "")"], "\(name): no such Secret")
                #expect(secret["stringData", reference["key"]?.text ?? ""] != nil || secret["data", reference["key"]?.text ?? ""] != nil)
            }
            if let field = entry["valueFrom", "fieldRef", "fieldPath"]?.text {
                #expect(field == "metadata.labels['batch.kubernetes.io/controller-uid']", "\(name): \(field)")
            }
        }
        #expect(environment["ESL_PASSWORD"]?["valueFrom", "secretKeyRef"] != nil, "the password comes from the Secret")

        let volumes = job["spec", "template", "spec", "volumes"]?.items ?? []
        var mounted: [String: MiniYAML.Node] = [:]
        for mount in container["volumeMounts"]?.items ?? [] {
            let volume = try #require(volumes.first { $0["name"] == mount["name"] }, "mount \(mount["name"]?.text ?? "?") has no volume")
            mounted[mount["mountPath"]?.text ?? ""] = volume
        }
        let claim = try #require(mounted["/results"]?["persistentVolumeClaim", "claimName"]?.text)
        #expect(resources["PersistentVolumeClaim/\(claim)"] != nil)
        let args = container["args"]?.items.first?.text ?? ""
        #expect(args.contains("--out \"/results/"))
        let profilePath = try #require(args.split(separator: " ").dropFirst(3).first.map(String.init), "\(args)")
        let directory = (profilePath as NSString).deletingLastPathComponent
        let mapName = try #require(mounted[directory]?["configMap", "name"]?.text, "\(directory) is not a ConfigMap mount")
        let map = try #require(resources["ConfigMap/\(mapName)"])
        #expect(map["data", (profilePath as NSString).lastPathComponent] != nil, "\(profilePath) is not in \(mapName)")
    }

    /// The profile the ConfigMap carries is a valid profile, its passwords taken from
    /// the environment the Job sets from the Secret; the start time is RFC 3339.
    @Test func theMountedProfileLoadsAndTheStartTimeIsATime() throws {
        let resources = try Self.resources()
        let text = try #require(resources["ConfigMap/switchy-profile"]?["data", "profile.json5"]?.text)
        let profile = try Profile.parse(Array(text.utf8), file: "profile.json5", environment: ["ESL_PASSWORD": "x"])
        #expect(profile.slaves.count == 2)
        #expect(!text.contains("ClueCon"), "no password in the ConfigMap")
        let start = try #require(resources["ConfigMap/switchy-start"]?["data", "start-at"]?.text)
        #expect(ISO8601DateFormatter().date(from: start) != nil, "\(start)")
    }

    @Test(.enabled(if: SystemTool.path("kubernetes-validate") != nil,
                   "no kubernetes-validate: pip install kubernetes-validate to check the manifests against Kubernetes' schemas"))
    func theManifestsPassKubernetesSchemas() async throws {
        let tool = try #require(SystemTool.path("kubernetes-validate"))
        let files = try Self.manifestFiles().map(\.path)
        let result = await SystemTool.run(tool, ["-k", "1.30", "--strict", "--no-warn"] + files)
        #expect(result.status == 0, "\(result.output)")
    }
}

/// A folder with a stand-in `switchy` that prints its arguments, one per line.
private struct StandIn {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("switchy-standin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let script = folder.appendingPathComponent("switchy")
        try Data("#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n".utf8).write(to: script)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
    }

    /// The arguments `switchy` gets when `/bin/sh -c command` runs with `environment`.
    func run(_ command: String, environment: [String: String]) async throws -> [String] {
        var environment = environment
        environment["PATH"] = "\(folder.path):/usr/bin:/bin"
        let result = await SystemTool.run("/bin/sh", ["-c", command], environment: environment)
        try #require(result.status == 0, "\(result.output)")
        return result.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }
}
