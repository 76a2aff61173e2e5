//! Writing results atomically: a file appears whole under its name or not at all.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file being written under a temporary name beside its destination; [`AtomicFile::commit`]
/// renames it into place. Dropped without commit, the temporary file is removed.
pub struct AtomicFile {
    temp: PathBuf,
    dest: PathBuf,
    writer: Option<BufWriter<fs::File>>,
}

impl AtomicFile {
    /// Starts writing `dest` (through `dest` + `.tmp-<pid>`).
    ///
    /// # Errors
    /// When the temporary file cannot be created.
    pub fn create(dest: &Path) -> io::Result<AtomicFile> {
        let mut name = dest.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".tmp-{}", std::process::id()));
        let temp = dest.with_file_name(name);
        let file = fs::File::create(&temp)?;
        Ok(AtomicFile { temp, dest: dest.to_path_buf(), writer: Some(BufWriter::new(file)) })
    }

    /// Empties the file, to start writing again.
    ///
    /// # Errors
    /// I/O errors.
    pub fn truncate(&mut self) -> io::Result<()> {
        if let Some(w) = self.writer.as_mut() {
            w.flush()?;
            w.get_mut().set_len(0)?;
            io::Seek::seek(w.get_mut(), io::SeekFrom::Start(0))?;
        }
        Ok(())
    }

    /// Flushes, syncs and renames the file into place.
    ///
    /// # Errors
    /// I/O errors; the temporary file is then removed.
    pub fn commit(mut self) -> io::Result<()> {
        if let Some(w) = self.writer.take() {
            let file = w.into_inner().map_err(io::IntoInnerError::into_error)?;
            file.sync_all()?;
        }
        fs::rename(&self.temp, &self.dest)
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.writer.as_mut() {
            Some(w) => w.write(buf),
            None => Err(io::Error::other("file already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.as_mut().map_or(Ok(()), Write::flush)
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.take().is_some() {
            let _ = fs::remove_file(&self.temp);
        }
    }
}

/// Writes a whole file atomically.
///
/// # Errors
/// I/O errors.
pub fn write_atomic(dest: &Path, contents: &[u8]) -> io::Result<()> {
    let mut f = AtomicFile::create(dest)?;
    f.write_all(contents)?;
    f.commit()
}
