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
        return migrator
    }
}
