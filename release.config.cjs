// semantic-release: a releasable commit on main cuts a version and runs the pipeline below.
// Documentation of the pipeline as much as configuration; CI here does not run it.
// Order matters: platform packages are built and published before the root package, and
// publish-platform-packages refuses the root if any platform package failed.
module.exports = {
  branches: ['main'],
  plugins: [
    '@semantic-release/commit-analyzer',
    '@semantic-release/release-notes-generator',
    [
      '@semantic-release/exec',
      {
        // 1. pin the five platform packages, 2. check and pack the binaries downloaded to ./binaries
        //    (recording their sha256 in binary-manifest.json), 3. set the root version.
        prepareCmd: [
          'npm run stamp-optional-deps -- ${nextRelease.version}',
          'npm run build-platform-packages -- ${nextRelease.version} binaries',
          'npm version ${nextRelease.version} --no-git-tag-version --allow-same-version',
        ].join(' && '),
        // 4. publish the platform packages (idempotent), then the root package.
        publishCmd: 'npm run publish-platform-packages -- ${nextRelease.version}',
      },
    ],
    ['@semantic-release/github', { assets: [] }],
  ],
};
