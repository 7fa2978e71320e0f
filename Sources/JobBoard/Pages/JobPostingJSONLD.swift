import Foundation

/// schema.org `JobPosting` structured data for a live job's page, so search engines can list it.
enum JobPostingJSONLD {
    /// The JSON text, safe inside a `<script>` element; nil for jobs that are not live.
    static func script(for job: Job, now: Date, siteURL: String) -> String? {
        guard job.isLive(at: now) else { return nil }
        let content = job.content
        var address: [String: Any] = ["@type": "PostalAddress", "addressCountry": content.location.country]
        if let city = content.location.city { address["addressLocality"] = city }
        if let region = content.location.region { address["addressRegion"] = region }
        var posting: [String: Any] = [
            "@context": "https://schema.org/",
            "@type": "JobPosting",
            "title": content.title,
            "description": content.description,
            "identifier": ["@type": "PropertyValue", "name": content.company, "value": String(job.id)],
            "datePosted": (job.publishedAt ?? job.createdAt).formatted(.iso8601),
            "employmentType": content.employmentType.rawValue,
            "hiringOrganization": ["@type": "Organization", "name": content.company],
            "jobLocation": ["@type": "Place", "address": address],
            "url": "\(siteURL)/jobs/\(job.id)",
        ]
        if let expiresAt = job.expiresAt { posting["validThrough"] = expiresAt.formatted(.iso8601) }
        if content.workplace == .remote {
            posting["jobLocationType"] = "TELECOMMUTE"
            posting["applicantLocationRequirements"] = ["@type": "Country", "name": content.location.country]
        }
        if let salary = content.salary {
            var value: [String: Any] = ["@type": "QuantitativeValue", "unitText": salary.period.rawValue]
            if let min = salary.min { value["minValue"] = min }
            if let max = salary.max { value["maxValue"] = max }
            if salary.min == nil || salary.max == nil { value["value"] = salary.min ?? salary.max }
            posting["baseSalary"] = ["@type": "MonetaryAmount", "currency": salary.currency, "value": value]
        }
        guard let data = try? JSONSerialization.data(withJSONObject: posting, options: [.sortedKeys]),
            let text = String(data: data, encoding: .utf8)
        else { return nil }
        // "<" never appears raw, so no "</script>" in the text can close the element early.
        return text.replacingOccurrences(of: "<", with: "\\u003c")
    }
}
