// swift-tools-version: 6.0
import PackageDescription

/// Upcoming features every target opts into (see STYLE.md, "Compiler settings").
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Switchy",
    products: [
        .library(name: "ESL", targets: ["ESL"]),
        .library(name: "Switchy", targets: ["Switchy"]),
        .library(name: "LoadTest", targets: ["LoadTest"]),
        .library(name: "FreeSwitchSim", targets: ["FreeSwitchSim"]),
        .executable(name: "switchy", targets: ["switchy"]),
        .executable(name: "switchy-bench", targets: ["switchy-bench"]),
    ],
    targets: [
        .target(name: "ESL", swiftSettings: strictSettings),
        .target(name: "Switchy", dependencies: ["ESL"], swiftSettings: strictSettings),
        .target(name: "LoadTest", dependencies: ["Switchy"], swiftSettings: strictSettings),
        .target(name: "FreeSwitchSim", dependencies: ["ESL"], swiftSettings: strictSettings),
        .executableTarget(
            name: "switchy",
            dependencies: ["ESL", "Switchy", "LoadTest", "FreeSwitchSim"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "switchy-bench",
            dependencies: ["ESL", "Switchy", "LoadTest", "FreeSwitchSim", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: ["ESL"],
            resources: [.copy("Fixtures/esl-freeswitch")],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "ESLTests", dependencies: ["ESL", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "SwitchyTests",
            dependencies: ["Switchy", "ESL", "TestSupport", "FreeSwitchSim"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "LoadTestTests",
            dependencies: ["LoadTest", "Switchy", "ESL", "TestSupport", "FreeSwitchSim"],
            exclude: ["Golden"],  // read by path (#filePath), rewritten by SWITCHY_RECORD_GOLDEN=1
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FreeSwitchSimTests",
            dependencies: ["FreeSwitchSim", "ESL", "Switchy", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "SwitchyBenchTests", dependencies: ["switchy-bench"], swiftSettings: strictSettings),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["TestSupport", "switchy", "LoadTest", "FreeSwitchSim"],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
