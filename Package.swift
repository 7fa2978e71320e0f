// swift-tools-version: 6.2
import PackageDescription

/// Settings every Evenkeel target shares: Swift 6 mode plus the upcoming-feature flags
/// that keep existential use and imports explicit.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Evenkeel",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "evenkeel", targets: ["evenkeel"]),
        .library(name: "JobBoard", targets: ["JobBoard"]),
        .library(name: "BalancerConfig", targets: ["BalancerConfig"]),
        .library(name: "BalancerAPI", targets: ["BalancerAPI"]),
        .library(name: "HTTPWire", targets: ["HTTPWire"]),
        .library(name: "Picking", targets: ["Picking"]),
        .library(name: "Distribution", targets: ["Distribution"]),
        .library(name: "Balancer", targets: ["Balancer"]),
        .library(name: "ConfigCheck", targets: ["ConfigCheck"]),
        .library(name: "LoadGen", targets: ["LoadGen"]),
        .library(name: "Watch", targets: ["Watch"]),
        .library(name: "Drill", targets: ["Drill"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        // Already built for hummingbird-auth and postgres-nio; named here for SHA-256 of session tokens.
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        // The edge: TLS termination and HTTP/2 to clients. Both already built for async-http-client.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        // Already built for swift-nio-ssl and postgres-nio; named here to read certificates (names, expiry, whether a
        // key is the certificate's) and to make the self-signed one `evenkeel up --tls` serves.
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
    ],
    targets: [
        // Shared targets: each holds what two or more parts need, and imports no part.
        .target(
            name: "TLSMaterial",
            dependencies: [
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BalancerConfig",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .target(name: "BalancerAPI", swiftSettings: swiftSettings),
        .target(
            name: "HTTPWire",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .target(name: "Picking", dependencies: ["BalancerConfig"], swiftSettings: swiftSettings),
        .target(name: "Distribution", dependencies: ["BalancerConfig", "Picking"], swiftSettings: swiftSettings),
        // The parts.
        .target(
            name: "Balancer",
            dependencies: [
                "BalancerConfig",
                "BalancerAPI",
                "HTTPWire",
                "Picking",
                "Distribution",
                "TLSMaterial",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ConfigCheck",
            dependencies: ["TLSMaterial", "BalancerConfig", "Picking", "Distribution", "LoadGen", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LoadGen",
            dependencies: [
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                "HTTPWire",
                "Picking",
                "Distribution",
                "BalancerConfig",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Watch",
            dependencies: [
                "BalancerAPI",
                "BalancerConfig",
                "Distribution",
                "ConfigCheck",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Rules/evenkeel-rules.yml")],
            swiftSettings: swiftSettings
        ),
        // Drills compose the parts, as `evenkeel up` does: replicas, the balancer, load and Watch, with faults on cue.
        .target(
            name: "Drill",
            dependencies: [
                "Balancer",
                "BalancerAPI",
                "BalancerConfig",
                "TLSMaterial",
                "Cluster",
                "ConfigCheck",
                "LoadGen",
                "Watch",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JobBoard",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        // `evenkeel up`'s wiring: replica processes and the balancer configuration written for them.
        .target(
            name: "Cluster",
            dependencies: [.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "evenkeel",
            dependencies: [
                "JobBoard",
                "Balancer",
                "BalancerConfig",
                "Cluster",
                "ConfigCheck",
                "LoadGen",
                "Watch",
                "Drill",
                "TLSMaterial",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // What several test targets use: real peer processes started for a test.
        .target(
            name: "EvenkeelTestSupport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/EvenkeelTestSupport", swiftSettings: swiftSettings),
        .testTarget(
            name: "LoadGenTests",
            dependencies: [
                "LoadGen",
                "TLSMaterial",
                "EvenkeelTestSupport",
                "JobBoard",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                "Balancer",
                "BalancerConfig",
                "HTTPWire",
                "Picking",
                "Distribution",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConfigCheckTests",
            dependencies: [
                "ConfigCheck",
                "TLSMaterial",
                "EvenkeelTestSupport",
                "Cluster",
                "Balancer",
                "BalancerConfig",
                "Picking",
                "Distribution",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WatchTests",
            dependencies: [
                "Watch",
                "Drill",
                "Cluster",
                "EvenkeelTestSupport",
                "Balancer",
                "BalancerAPI",
                "Distribution",
                "BalancerConfig",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "BalancerConfigTests", dependencies: ["BalancerConfig"], swiftSettings: swiftSettings),
        .testTarget(
            name: "HTTPWireTests",
            dependencies: ["HTTPWire", "Picking", "BalancerConfig", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClusterTests", dependencies: ["Cluster", .product(name: "Yams", package: "Yams")], swiftSettings: swiftSettings),
        .testTarget(name: "PickingTests", dependencies: ["Picking", "BalancerConfig"], swiftSettings: swiftSettings),
        .testTarget(name: "DistributionTests", dependencies: ["Distribution", "BalancerConfig"], swiftSettings: swiftSettings),
        .testTarget(
            name: "BalancerTests",
            dependencies: [
                "Balancer",
                "EvenkeelTestSupport",
                "Cluster",
                "BalancerAPI",
                "BalancerConfig",
                "HTTPWire",
                "Picking",
                "Distribution",
                "TLSMaterial",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JobBoardTests",
            dependencies: [
                "JobBoard",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                "Cluster",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
