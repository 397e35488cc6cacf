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
        // 1. check and pack the binaries downloaded to ./binaries (recording their sha256 and the engine
        //    version in binary-manifest.json), 2. pin the six platform packages and record the engine
        //    version for `update --check` (add --notes <file> to publish release notes), 3. set the root version.
        prepareCmd: [
          'npm run build-platform-packages -- ${nextRelease.version} binaries',
          'npm run stamp-optional-deps -- ${nextRelease.version}',
          'npm version ${nextRelease.version} --no-git-tag-version --allow-same-version',
        ].join(' && '),
        // 4. publish the platform packages (idempotent), then the root package.
        publishCmd: 'npm run publish-platform-packages -- ${nextRelease.version}',
      },
    ],
    ['@semantic-release/github', { assets: [] }],
  ],
};
