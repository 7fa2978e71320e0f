extension JobResource: JSONWritable {
    /// The same members `Codable` writes, in sorted key order.
    func write(to json: inout JSONOutput) {
        json.beginObject()
        if let applyURL {
            json.key("apply_url")
            json.string(applyURL)
        }
        json.key("company")
        json.string(company)
        json.key("created_at")
        json.date(createdAt)
        json.key("description")
        json.string(description)
        json.key("employment_type")
        json.string(employmentType.rawValue)
        if let expiresAt {
            json.key("expires_at")
            json.date(expiresAt)
        }
        json.key("id")
        json.number(id)
        json.key("location")
        json.beginObject()
        if let city = location.city {
            json.key("city")
            json.string(city)
        }
        json.key("country")
        json.string(location.country)
        if let region = location.region {
            json.key("region")
            json.string(region)
        }
        json.endObject()
        if let publishedAt {
            json.key("published_at")
            json.date(publishedAt)
        }
        if let salary {
            json.key("salary")
            json.beginObject()
            json.key("currency")
            json.string(salary.currency)
            if let max = salary.max {
                json.key("max")
                json.number(max)
            }
            if let min = salary.min {
                json.key("min")
                json.number(min)
            }
            json.key("period")
            json.string(salary.period.rawValue)
            json.endObject()
        }
        json.key("status")
        json.string(status)
        json.key("tags")
        json.beginArray()
        for tag in tags { json.string(tag) }
        json.endArray()
        json.key("title")
        json.string(title)
        json.key("updated_at")
        json.date(updatedAt)
        json.key("url")
        json.string(url)
        json.key("workplace")
        json.string(workplace.rawValue)
        json.endObject()
    }
}

extension JobListResource: JSONWritable {
    func write(to json: inout JSONOutput) {
        json.beginObject()
        json.key("jobs")
        json.beginArray()
        for job in jobs { job.write(to: &json) }
        json.endArray()
        if let nextCursor {
            json.key("next_cursor")
            json.string(nextCursor)
        }
        json.endObject()
    }
}
