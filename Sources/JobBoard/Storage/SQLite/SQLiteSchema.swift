import GRDB

/// The SQLite schema, as GRDB migrations so every process upgrades a shared file once.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE accounts (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
                        role TEXT NOT NULL,
                        display_name TEXT NOT NULL,
                        password_hash TEXT NOT NULL,
                        created_at REAL NOT NULL
                    );
                    CREATE TABLE sessions (
                        token_hash TEXT PRIMARY KEY,
                        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                        expires_at REAL NOT NULL
                    );
                    CREATE TABLE companies (
                        employer_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        website TEXT,
                        about TEXT,
                        city TEXT,
                        region TEXT,
                        country TEXT
                    );
                    CREATE TABLE jobs (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        employer_id INTEGER NOT NULL,
                        title TEXT NOT NULL,
                        company TEXT NOT NULL,
                        description TEXT NOT NULL,
                        city TEXT,
                        region TEXT,
                        country TEXT NOT NULL,
                        workplace TEXT NOT NULL,
                        employment_type TEXT NOT NULL,
                        salary_min REAL,
                        salary_max REAL,
                        salary_currency TEXT,
                        salary_period TEXT,
                        salary_year REAL NOT NULL,
                        tags TEXT NOT NULL,
                        apply_url TEXT,
                        status TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        updated_at REAL NOT NULL,
                        published_at REAL,
                        expires_at REAL
                    );
                    CREATE INDEX jobs_live_newest ON jobs(status, published_at DESC, id DESC);
                    CREATE INDEX jobs_live_salary ON jobs(status, salary_year DESC, id DESC);
                    CREATE INDEX jobs_employer ON jobs(employer_id, created_at DESC);
                    CREATE TABLE job_tags (
                        tag TEXT NOT NULL,
                        job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
                        PRIMARY KEY (tag, job_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX job_tags_job ON job_tags(job_id);
                    CREATE VIRTUAL TABLE jobs_fts USING fts5(
                        title, company, description, tags,
                        content='jobs', content_rowid='id',
                        tokenize = "unicode61 remove_diacritics 2 tokenchars '+#'"
                    );
                    CREATE TRIGGER jobs_fts_insert AFTER INSERT ON jobs BEGIN
                        INSERT INTO jobs_fts(rowid, title, company, description, tags)
                        VALUES (new.id, new.title, new.company, new.description, new.tags);
                    END;
                    CREATE TRIGGER jobs_fts_delete AFTER DELETE ON jobs BEGIN
                        INSERT INTO jobs_fts(jobs_fts, rowid, title, company, description, tags)
                        VALUES ('delete', old.id, old.title, old.company, old.description, old.tags);
                    END;
                    CREATE TRIGGER jobs_fts_update AFTER UPDATE OF title, company, description, tags ON jobs BEGIN
                        INSERT INTO jobs_fts(jobs_fts, rowid, title, company, description, tags)
                        VALUES ('delete', old.id, old.title, old.company, old.description, old.tags);
                        INSERT INTO jobs_fts(rowid, title, company, description, tags)
                        VALUES (new.id, new.title, new.company, new.description, new.tags);
                    END;
                    CREATE TABLE applications (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
                        seeker_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                        cover_note TEXT NOT NULL,
                        resume_url TEXT NOT NULL,
                        status TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        updated_at REAL NOT NULL,
                        UNIQUE (job_id, seeker_id)
                    );
                    CREATE INDEX applications_seeker ON applications(seeker_id, created_at DESC);
                    """)
        }
        migrator.registerMigration("v2-search-keys") { db in
            // A narrow copy of what search filters and sorts on, kept in step by triggers: a search reads
            // these small rows and fetches only the page's full rows, instead of every matching posting.
            try db.execute(
                sql: """
                    CREATE TABLE job_keys (
                        id INTEGER PRIMARY KEY,
                        status TEXT NOT NULL,
                        published_at REAL,
                        expires_at REAL,
                        country TEXT NOT NULL,
                        city TEXT COLLATE NOCASE,
                        workplace TEXT NOT NULL,
                        employment_type TEXT NOT NULL,
                        salary_year REAL NOT NULL,
                        salary_currency TEXT
                    );
                    INSERT INTO job_keys SELECT id, status, published_at, expires_at, country, city, workplace,
                        employment_type, salary_year, salary_currency FROM jobs;
                    CREATE INDEX job_keys_newest ON job_keys(status, published_at DESC, id DESC);
                    CREATE INDEX job_keys_salary ON job_keys(status, salary_year DESC, id DESC);
                    CREATE INDEX job_keys_currency_salary ON job_keys(status, salary_currency, salary_year DESC, id DESC);
                    CREATE TRIGGER job_keys_insert AFTER INSERT ON jobs BEGIN
                        INSERT INTO job_keys VALUES (new.id, new.status, new.published_at, new.expires_at, new.country,
                            new.city, new.workplace, new.employment_type, new.salary_year, new.salary_currency);
                    END;
                    CREATE TRIGGER job_keys_update AFTER UPDATE ON jobs BEGIN
                        UPDATE job_keys SET status = new.status, published_at = new.published_at,
                            expires_at = new.expires_at, country = new.country, city = new.city,
                            workplace = new.workplace, employment_type = new.employment_type,
                            salary_year = new.salary_year, salary_currency = new.salary_currency
                        WHERE id = new.id;
                    END;
                    CREATE TRIGGER job_keys_delete AFTER DELETE ON jobs BEGIN
                        DELETE FROM job_keys WHERE id = old.id;
                    END;
                    """)
        }
        migrator.registerMigration("v3-term-counts") { db in
            // How many postings hold each word, so a search can choose which side of the join to drive.
            try db.execute(sql: "CREATE VIRTUAL TABLE jobs_fts_terms USING fts5vocab(jobs_fts, row)")
        }
        migrator.registerMigration("v4-search-generations") { db in
            // Text search filters its matches with an in-memory copy of job_keys (SearchKeyCache). Every change
            // bumps a generation and stamps the row (or a tombstone) with it, so each process sharing the file
            // loads only what changed since its last search. Word counts are no longer needed to choose a plan.
            try db.execute(
                sql: """
                    DROP TABLE jobs_fts_terms;
                    CREATE TABLE search_generation (only INTEGER PRIMARY KEY CHECK (only = 1), value INTEGER NOT NULL);
                    INSERT INTO search_generation VALUES (1, 1);
                    ALTER TABLE job_keys ADD COLUMN generation INTEGER NOT NULL DEFAULT 1;
                    CREATE INDEX job_keys_generation ON job_keys(generation);
                    CREATE TABLE job_keys_removed (id INTEGER NOT NULL, generation INTEGER NOT NULL);
                    CREATE INDEX job_keys_removed_generation ON job_keys_removed(generation);
                    DROP TRIGGER job_keys_insert;
                    DROP TRIGGER job_keys_update;
                    DROP TRIGGER job_keys_delete;
                    CREATE TRIGGER job_keys_insert AFTER INSERT ON jobs BEGIN
                        UPDATE search_generation SET value = value + 1;
                        INSERT INTO job_keys (id, status, published_at, expires_at, country, city, workplace,
                            employment_type, salary_year, salary_currency, generation)
                        VALUES (new.id, new.status, new.published_at, new.expires_at, new.country, new.city,
                            new.workplace, new.employment_type, new.salary_year, new.salary_currency,
                            (SELECT value FROM search_generation));
                    END;
                    CREATE TRIGGER job_keys_update AFTER UPDATE ON jobs BEGIN
                        UPDATE search_generation SET value = value + 1;
                        UPDATE job_keys SET status = new.status, published_at = new.published_at,
                            expires_at = new.expires_at, country = new.country, city = new.city,
                            workplace = new.workplace, employment_type = new.employment_type,
                            salary_year = new.salary_year, salary_currency = new.salary_currency,
                            generation = (SELECT value FROM search_generation)
                        WHERE id = new.id;
                    END;
                    CREATE TRIGGER job_keys_delete AFTER DELETE ON jobs BEGIN
                        UPDATE search_generation SET value = value + 1;
                        DELETE FROM job_keys WHERE id = old.id;
                        INSERT INTO job_keys_removed VALUES (old.id, (SELECT value FROM search_generation));
                    END;
                    """)
        }
        return migrator
    }
}
