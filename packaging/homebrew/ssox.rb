# Homebrew formula template for ssox's release archives (macOS and Linux).
#
# The release workflow fills it in (`scripts/dist.sh formula DIR`: the version and each archive's
# SHA-256) and attaches the result to the release as ssox.rb; copy that file into a tap
# (Formula/ssox.rb), then: brew install ssox-dev/tap/ssox
class Ssox < Formula
  desc "Fast, AWS-CLI-compatible IAM Identity Center (AWS SSO) login and profile switching"
  homepage "https://github.com/ssox-dev/ssox"
  version "@VERSION@"
  license "MIT"

  on_macos do
    on_arm do
      url "https://github.com/ssox-dev/ssox/releases/download/v#{version}/ssox-v#{version}-aarch64-apple-darwin.tar.gz"
      sha256 "@SHA256_aarch64-apple-darwin@"
    end
    on_intel do
      url "https://github.com/ssox-dev/ssox/releases/download/v#{version}/ssox-v#{version}-x86_64-apple-darwin.tar.gz"
      sha256 "@SHA256_x86_64-apple-darwin@"
    end
  end

  on_linux do
    on_arm do
      url "https://github.com/ssox-dev/ssox/releases/download/v#{version}/ssox-v#{version}-aarch64-unknown-linux-musl.tar.gz"
      sha256 "@SHA256_aarch64-unknown-linux-musl@"
    end
    on_intel do
      url "https://github.com/ssox-dev/ssox/releases/download/v#{version}/ssox-v#{version}-x86_64-unknown-linux-musl.tar.gz"
      sha256 "@SHA256_x86_64-unknown-linux-musl@"
    end
  end

  def install
    bin.install "ssox"
    man1.install "ssox.1"
    bash_completion.install "completions/ssox.bash" => "ssox"
    zsh_completion.install "completions/_ssox"
    fish_completion.install "completions/ssox.fish"
  end

  def caveats
    <<~EOS
      For `ssox use` and `ssox pick` to switch the current shell, add to your shell's rc file:
        bash: eval "$(ssox init bash)"
        zsh:  eval "$(ssox init zsh)"
        fish: ssox init fish | source
    EOS
  end

  test do
    assert_match "ssox #{version}", shell_output("#{bin}/ssox --version")
    assert_match ".TH ssox 1", shell_output("#{bin}/ssox man")
  end
end
