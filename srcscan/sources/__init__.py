"""Where sources come from: snapshots of a folder, a git commit or an svn revision;
revision names (svn numbers, git refs); revision ranges for history walks; cloning."""
