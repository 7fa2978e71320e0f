import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore

/// `/jobs.atom?q=…`: an Atom feed of the newest jobs matching a search, for feed readers and alerts.
struct AtomFeedController {
    let service: JobBoardService

    func addRoutes(to router: Router<JobBoardContext>) {
        router.get("/jobs.atom", use: feed)
    }

    @Sendable func feed(_ request: Request, context: JobBoardContext) async throws -> Response {
        var search = try SearchParameters.search(from: FormFields(query: request))
        search.sort = .newest
        search.after = nil
        search.limit = 50
        let page = try await service.search(search)
        let site = "http://" + (request.head.authority ?? "localhost")
        let xml = AtomFeed.render(
            jobs: page.jobs, title: search.text.map { "Evenkeel jobs matching \($0)" } ?? "Evenkeel jobs",
            selfURL: site + (request.uri.string), siteURL: site, now: service.clock())
        return Response(
            status: .ok, headers: [.contentType: "application/atom+xml; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: xml)))
    }
}

/// Writes an Atom 1.0 (RFC 4287) document.
enum AtomFeed {
    static func render(jobs: [Job], title: String, selfURL: String, siteURL: String, now: Date) -> String {
        let updated = (jobs.compactMap(\.publishedAt).max() ?? now).formatted(.iso8601)
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
            <id>\(escape(selfURL))</id>
            <title>\(escape(title))</title>
            <updated>\(updated)</updated>
            <link rel="self" href="\(escape(selfURL))"/>
            <link rel="alternate" type="text/html" href="\(escape(siteURL))/jobs"/>

            """
        for job in jobs {
            let url = "\(siteURL)/jobs/\(job.id)"
            let summary = String(job.content.description.prefix(400))
            xml += """
                <entry>
                <id>\(escape(url))</id>
                <title>\(escape(job.content.title)) at \(escape(job.content.company))</title>
                <link rel="alternate" type="text/html" href="\(escape(url))"/>
                <updated>\(job.updatedAt.formatted(.iso8601))</updated>
                <published>\((job.publishedAt ?? job.createdAt).formatted(.iso8601))</published>
                <author><name>\(escape(job.content.company))</name></author>
                <summary>\(escape(job.content.location.displayName)) · \(escape(summary))</summary>
                \(job.content.tags.map { "<category term=\"\(escape($0))\"/>" }.joined())
                </entry>

                """
        }
        return xml + "</feed>\n"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            // Characters XML 1.0 forbids are dropped rather than producing an invalid feed.
            case "\u{9}", "\u{A}", "\u{D}": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
