#include "daemon/config/psk.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace ikev2d::config {
namespace {

ike::bytes bytes_of(const ike::secret& s) {
    return {s.data(), s.data() + s.size()};
}

TEST(psk, plain_text_is_taken_as_is) {
    auto key = decode_psk("a long random secret");
    ASSERT_TRUE(key);
    EXPECT_EQ(key->size(), 20u);
    EXPECT_EQ(bytes_of(*key).front(), 'a');
}

TEST(psk, hex) {
    auto key = decode_psk("0x00112233:44 55");
    ASSERT_TRUE(key);
    EXPECT_EQ(bytes_of(*key), (ike::bytes{0x00, 0x11, 0x22, 0x33, 0x44, 0x55}));

    auto bad = decode_psk("0x0011zz");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().offset, 6u);
    EXPECT_EQ(bad.error().message, "invalid hex digit in key");
    EXPECT_FALSE(decode_psk("0x123"));
    EXPECT_FALSE(decode_psk("0x"));
}

TEST(psk, base64) {
    auto key = decode_psk("0sAAECAwQ=");
    ASSERT_TRUE(key);
    EXPECT_EQ(bytes_of(*key), (ike::bytes{0, 1, 2, 3, 4}));
    auto long_key = decode_psk("0sSGVsbG8sIFdvcmxkIQ==");
    ASSERT_TRUE(long_key);
    EXPECT_EQ(long_key->size(), 13u);  // "Hello, World!"

    auto bad = decode_psk("0sAA*A");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().offset, 4u);
}

TEST(psk, errors_never_contain_the_key) {
    auto bad = decode_psk("0xsupersecret");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message.find("supersecret"), std::string::npos);
    EXPECT_FALSE(decode_psk(""));
}

TEST(psk, weakness) {
    EXPECT_TRUE(is_weak_psk("short", *decode_psk("short")));
    EXPECT_TRUE(is_weak_psk("nineteen characters", *decode_psk("nineteen characters")));
    EXPECT_FALSE(is_weak_psk("twenty characters!!!", *decode_psk("twenty characters!!!")));
    std::string hex16 = "0x" + std::string(32, 'a');
    EXPECT_FALSE(is_weak_psk(hex16, *decode_psk(hex16)));
    std::string hex15 = "0x" + std::string(30, 'a');
    EXPECT_TRUE(is_weak_psk(hex15, *decode_psk(hex15)));
}

class psk_file : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("ikev2d_psk_test_" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::filesystem::path write(const std::string& name, const std::string& content,
                                mode_t mode = 0600) {
        auto path = dir_ / name;
        std::ofstream(path, std::ios::binary) << content;
        ::chmod(path.c_str(), mode);
        return path;
    }
    std::filesystem::path dir_;
};

TEST_F(psk_file, strips_one_trailing_newline) {
    auto key = read_psk_file(write("a.psk", "secret value\n"));
    ASSERT_TRUE(key);
    EXPECT_EQ(key->size(), 12u);
    EXPECT_EQ(read_psk_file(write("b.psk", "secret\r\n"))->size(), 6u);
    EXPECT_EQ(read_psk_file(write("c.psk", "secret\n\n"))->size(), 7u);
    EXPECT_EQ(read_psk_file(write("d.psk", "secret"))->size(), 6u);
}

TEST_F(psk_file, errors) {
    auto missing = read_psk_file(dir_ / "none.psk");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error(),
              "cannot read '" + (dir_ / "none.psk").string() + "': No such file or directory");
    auto empty = read_psk_file(write("e.psk", "\n"));
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error(), "'" + (dir_ / "e.psk").string() + "' is empty");
    EXPECT_FALSE(read_psk_file(dir_));
}

TEST_F(psk_file, permissions) {
    EXPECT_FALSE(is_group_or_world_accessible(write("p.psk", "x", 0600)));
    EXPECT_TRUE(is_group_or_world_accessible(write("q.psk", "x", 0640)));
    EXPECT_TRUE(is_group_or_world_accessible(write("r.psk", "x", 0604)));
}

}  // namespace
}  // namespace ikev2d::config
