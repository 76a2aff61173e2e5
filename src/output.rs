//! Writing results atomically: a file appears whole under its name or not at all, and a run's
//! directory appears whole, replacing the previous one, or not at all.

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
        let result = (|| {
            if let Some(w) = self.writer.take() {
                let file = w.into_inner().map_err(io::IntoInnerError::into_error)?;
                file.sync_all()?;
            }
            fs::rename(&self.temp, &self.dest)
        })();
        if result.is_err() {
            let _ = fs::remove_file(&self.temp);
        }
        result
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

/// The files of a run, by name.
pub type Files = Vec<(String, Vec<u8>)>;

/// Why the output directory could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The directory holds files wasim did not write.
    #[error("{0}: refusing to replace a non-empty directory that has no wasim manifest.json; choose another --out")]
    NotOurs(PathBuf),
    /// An I/O error.
    #[error("{path}")]
    Io {
        /// The file or folder that could not be written.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io { path: path.to_path_buf(), source }
}

/// Writes `files` as the directory `dir`: into a temporary directory beside it, then renamed into
/// place. An existing `dir` is replaced only if it is empty or holds a wasim manifest.
///
/// # Errors
/// A directory that is not wasim's, or an I/O error (the existing directory is then untouched).
pub fn write_dir(dir: &Path, files: &Files) -> Result<(), OutputError> {
    if dir.exists() {
        let mut entries = fs::read_dir(dir).map_err(io(dir))?;
        let empty = entries.next().is_none();
        let ours = fs::read_to_string(dir.join("manifest.json")).is_ok_and(|m| m.contains("\"wasim_version\""));
        if !empty && !ours {
            return Err(OutputError::NotOurs(dir.to_path_buf()));
        }
    }
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(io(parent))?;
    let name = dir.file_name().map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let temp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = fs::remove_dir_all(&temp);
    fs::create_dir(&temp).map_err(io(&temp))?;
    let result = (|| {
        for (file, bytes) in files {
            let path = temp.join(file);
            if let Some(folder) = path.parent().filter(|f| *f != temp) {
                fs::create_dir_all(folder).map_err(io(folder))?;
            }
            fs::write(&path, bytes).map_err(io(&path))?;
        }
        if dir.exists() {
            fs::rename(dir, &old).map_err(io(dir))?;
        }
        if let Err(e) = fs::rename(&temp, dir) {
            let _ = fs::rename(&old, dir);
            return Err(OutputError::Io { path: dir.to_path_buf(), source: e });
        }
        let _ = fs::remove_dir_all(&old);
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&temp);
    }
    result
}
